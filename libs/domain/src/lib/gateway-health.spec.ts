import { type GatewayHealthFigures, attemptVerdict, decideGatewayHealth, successRateOf } from './gateway-health';

describe('gateway health thresholds', () => {
  const figures = (f: Partial<GatewayHealthFigures>): GatewayHealthFigures => ({
    attempts: 20,
    failures: 0,
    p95LatencyMs: 200,
    probeOk: true,
    ...f,
  });

  it.each<[string, Partial<GatewayHealthFigures>, string]>([
    ['no traffic, probe ok', { attempts: 0, failures: 0, p95LatencyMs: null }, 'healthy'],
    ['no traffic, probe failed', { attempts: 0, failures: 0, p95LatencyMs: null, probeOk: false }, 'down'],
    ['4 attempts all failed, probe ok: too few to judge', { attempts: 4, failures: 4 }, 'healthy'],
    ['4 attempts all failed, probe failed', { attempts: 4, failures: 4, probeOk: false }, 'down'],
    ['all succeed', {}, 'healthy'],
    ['exactly 90 % succeed', { attempts: 20, failures: 2 }, 'healthy'],
    ['85 % succeed', { attempts: 20, failures: 3 }, 'degraded'],
    ['everything fails but the probe answers', { attempts: 20, failures: 20 }, 'degraded'],
    ['everything fails and the probe fails', { attempts: 20, failures: 20, probeOk: false }, 'down'],
    ['85 % succeed and the probe fails', { attempts: 20, failures: 3, probeOk: false }, 'down'],
    ['traffic fine but the probe fails', { probeOk: false }, 'degraded'],
    ['p95 exactly 3000 ms', { p95LatencyMs: 3000 }, 'healthy'],
    ['p95 above 3000 ms', { p95LatencyMs: 3001 }, 'degraded'],
    ['slow but too few attempts', { attempts: 2, p95LatencyMs: 9000 }, 'healthy'],
  ])('%s → %s', (_label, f, status) => {
    expect(decideGatewayHealth(figures(f)).status).toBe(status);
  });

  it('reports the success rate of the window, rounded, null without attempts', () => {
    expect(successRateOf(0, 0)).toBeNull();
    expect(successRateOf(3, 1)).toBe(0.6667);
    expect(decideGatewayHealth(figures({ attempts: 8, failures: 2 })).successRate).toBe(0.75);
  });

  it('counts only refusals and unanswered calls against the gateway', () => {
    expect(['pending', 'succeeded', 'failed_permanent'].map((s) => attemptVerdict(s as never))).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
    expect(attemptVerdict('failed_retryable')).toBe('fault');
    expect(attemptVerdict('unknown')).toBe('fault');
  });
});
