import type { SystemComponent, SystemStatusView } from '@lsp/contracts';
import { auditTarget, groupComponents, isSystemStatus, metricEntries } from './system-status-view';

const c = (name: string, kind: SystemComponent['kind'], status: SystemComponent['status']): SystemComponent => ({
  name,
  kind,
  status,
  detail: `${name} is ${status}`,
  metrics: {},
});

describe('groupComponents', () => {
  it('groups by kind, infrastructure first, worst component first, group status the worst', () => {
    const view: SystemStatusView = {
      status: 'degraded',
      checkedAt: '2026-11-26T10:00:00.000Z',
      components: [
        c('queue:events', 'queue', 'operational'),
        c('queue:payments', 'queue', 'degraded'),
        c('redis', 'redis', 'operational'),
        c('postgresql', 'postgresql', 'operational'),
        c('gateway:sandbox', 'gateway', 'down'),
      ],
    };
    const groups = groupComponents(view);
    expect(groups.map((g) => [g.kind, g.status])).toEqual([
      ['postgresql', 'operational'],
      ['redis', 'operational'],
      ['queue', 'degraded'],
      ['gateway', 'down'],
    ]);
    expect(groups[2]?.components.map((x) => x.name)).toEqual(['queue:payments', 'queue:events']);
  });
});

describe('metricEntries', () => {
  it('formats numbers and shows null as a dash', () => {
    expect(metricEntries({ latencyMs: 1234, policy: 'noeviction', lag: null })).toEqual([
      { key: 'latencyMs', value: '1,234' },
      { key: 'policy', value: 'noeviction' },
      { key: 'lag', value: '—' },
    ]);
  });
});

describe('auditTarget', () => {
  it('links queues to their audit history and nothing else', () => {
    expect(auditTarget(c('queue:payments', 'queue', 'operational'))).toEqual({
      objectType: 'queue',
      objectId: 'payments',
    });
    expect(auditTarget(c('redis', 'redis', 'operational'))).toBeNull();
  });
});

describe('isSystemStatus', () => {
  it('checks the snapshot shape', () => {
    expect(isSystemStatus({ status: 'operational', checkedAt: 'x', components: [] })).toBe(true);
    expect(isSystemStatus({ status: 'operational' })).toBe(false);
  });
});
