import type { GatewayHealthEntry } from '@lsp/contracts';
import { applyPolledHealth, applyStreamHealth, isGatewayHealthData } from './gateway-health-live';
import type { GatewayHealthStreamData, LiveHealth } from './gateway-types';

const streamData = (overrides: Partial<GatewayHealthStreamData> = {}): GatewayHealthStreamData => ({
  gatewayId: 'gw_1',
  code: 'one',
  status: 'down',
  previousStatus: 'healthy',
  circuit: 'open',
  successRate: 0.2,
  p95LatencyMs: 4000,
  attempts: 50,
  checkedAt: '2026-11-26T10:05:00.000Z',
  ...overrides,
});

const polled = (overrides: Partial<GatewayHealthEntry> = {}): GatewayHealthEntry => ({
  id: 'gw_1',
  code: 'one',
  status: 'healthy',
  successRate: 0.99,
  p95LatencyMs: 200,
  attempts: 80,
  circuit: 'closed',
  checkedAt: '2026-11-26T10:10:00.000Z',
  ...overrides,
});

describe('live gateway health', () => {
  it('takes the stream figures, circuit included', () => {
    expect(applyStreamHealth(undefined, streamData())).toEqual({
      status: 'down',
      successRate: 0.2,
      p95LatencyMs: 4000,
      checkedAt: '2026-11-26T10:05:00.000Z',
      circuit: 'open',
      attempts: 50,
    });
  });

  it('ignores a message older than what is shown (at-least-once, out of order)', () => {
    const current = applyStreamHealth(undefined, streamData({ checkedAt: '2026-11-26T10:06:00.000Z' }));
    expect(applyStreamHealth(current, streamData({ status: 'healthy', checkedAt: '2026-11-26T10:05:59.000Z' }))).toBe(
      current,
    );
  });

  it('takes the circuit and attempts a newer poll reports', () => {
    const current: LiveHealth = applyStreamHealth(undefined, streamData());
    const next = applyPolledHealth(current, polled());
    expect(next).toMatchObject({ status: 'healthy', successRate: 0.99, circuit: 'closed', attempts: 80 });
  });

  it('keeps the circuit the stream reported when the poll could not read it', () => {
    const current: LiveHealth = applyStreamHealth(undefined, streamData());
    expect(applyPolledHealth(current, polled({ circuit: null }))).toMatchObject({ circuit: 'open' });
  });

  it('lets an older poll lose against a newer stream message', () => {
    const current = applyStreamHealth(undefined, streamData({ checkedAt: '2026-11-26T10:20:00.000Z' }));
    expect(applyPolledHealth(current, polled())).toBe(current);
  });

  it('recognises stream data by shape', () => {
    expect(isGatewayHealthData(streamData())).toBe(true);
    expect(isGatewayHealthData({ queues: [] })).toBe(false);
    expect(isGatewayHealthData(null)).toBe(false);
  });
});
