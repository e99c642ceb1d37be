import { rankCandidates, type RoutableGateway } from './routing';

const gw = (code: string, priority: number, over: Partial<RoutableGateway> = {}): RoutableGateway => ({
  code,
  priority,
  enabled: true,
  currencies: ['INR'],
  methods: ['upi', 'card'],
  healthStatus: 'healthy',
  ...over,
});

describe('rankCandidates', () => {
  it('orders eligible gateways by priority and says why others were skipped', () => {
    const { candidates, decision } = rankCandidates(
      [
        gw('c', 30),
        gw('a', 10, { enabled: false }),
        gw('b', 20),
        gw('d', 5, { healthStatus: 'down' }),
        gw('e', 1, { currencies: ['USD'] }),
        gw('f', 2, { methods: ['card'] }),
        gw('g', 3, { healthStatus: 'degraded' }),
      ],
      { currency: 'INR', method: 'upi' },
    );
    expect(candidates.map((g) => g.code)).toEqual(['g', 'b', 'c']);
    expect(decision.candidates).toEqual([
      { code: 'e', priority: 1, skipped: 'does not support INR' },
      { code: 'f', priority: 2, skipped: 'does not support upi' },
      { code: 'g', priority: 3 },
      { code: 'd', priority: 5, skipped: 'marked down by health checks' },
      { code: 'a', priority: 10, skipped: 'disabled' },
      { code: 'b', priority: 20 },
      { code: 'c', priority: 30 },
    ]);
  });

  it('puts an eligible preferred gateway first and ignores an ineligible one', () => {
    const gws = [gw('a', 10), gw('b', 20), gw('x', 1, { enabled: false })];
    expect(
      rankCandidates(gws, { currency: 'INR', method: 'upi', preferred: 'b' }).candidates.map((g) => g.code),
    ).toEqual(['b', 'a']);
    const ignored = rankCandidates(gws, { currency: 'INR', method: 'upi', preferred: 'x' });
    expect(ignored.candidates.map((g) => g.code)).toEqual(['a', 'b']);
    expect(ignored.decision.reason).toMatch(/not eligible/);
  });
});
