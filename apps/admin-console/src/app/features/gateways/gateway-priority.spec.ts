import fc from 'fast-check';
import { gatewayView } from '../../../testing/gateways';
import { nextPriority, reorderGateways } from './gateway-priority';

const list = (...priorities: number[]) => priorities.map((p, i) => gatewayView(`gw_${i}`, { priority: p }));
const ids = (gateways: { id: string }[]) => gateways.map((g) => g.id);

describe('reorderGateways', () => {
  it('deals the existing priorities out again in the new order, changing only the moved range', () => {
    const { gateways, updates } = reorderGateways(list(10, 20, 35, 50), 3, 1);
    expect(ids(gateways)).toEqual(['gw_0', 'gw_3', 'gw_1', 'gw_2']);
    expect(gateways.map((g) => g.priority)).toEqual([10, 20, 35, 50]);
    expect(updates).toEqual([
      { id: 'gw_3', priority: 20 },
      { id: 'gw_1', priority: 35 },
      { id: 'gw_2', priority: 50 },
    ]);
  });

  it('moves down as well as up', () => {
    const { gateways, updates } = reorderGateways(list(1, 2, 3), 0, 2);
    expect(ids(gateways)).toEqual(['gw_1', 'gw_2', 'gw_0']);
    expect(updates).toEqual([
      { id: 'gw_1', priority: 1 },
      { id: 'gw_2', priority: 2 },
      { id: 'gw_0', priority: 3 },
    ]);
  });

  it('renumbers by tens when two gateways share a priority (the API refuses a bulk update that collides)', () => {
    const { gateways, updates } = reorderGateways(list(10, 10, 20), 2, 0);
    expect(ids(gateways)).toEqual(['gw_2', 'gw_0', 'gw_1']);
    expect(gateways.map((g) => g.priority)).toEqual([10, 20, 30]);
    expect(updates).toEqual([
      { id: 'gw_2', priority: 10 },
      { id: 'gw_0', priority: 20 },
      { id: 'gw_1', priority: 30 },
    ]);
  });

  it('sends nothing when the drop lands where the drag started', () => {
    expect(reorderGateways(list(10, 20), 1, 1).updates).toEqual([]);
  });

  it('never leaves a collision and always matches the dragged order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        (priorities, a, b) => {
          const before = list(...priorities);
          const from = a % before.length;
          const to = b % before.length;
          const { gateways, updates } = reorderGateways(before, from, to);
          // What the server holds after applying the updates, sorted as it lists them.
          const after = new Map(before.map((g) => [g.id, g.priority]));
          for (const u of updates) after.set(u.id, u.priority);
          const values = [...after.values()];
          expect(new Set(values).size).toBe(values.length);
          const serverOrder = [...after.entries()].sort((x, y) => x[1] - y[1]).map(([id]) => id);
          expect(serverOrder).toEqual(ids(gateways));
          for (const p of values) expect(p >= 0 && p <= 100_000 && Number.isInteger(p)).toBe(true);
        },
      ),
    );
  });
});

describe('nextPriority', () => {
  it('puts a new gateway after every existing one', () => {
    expect(nextPriority(list(10, 40, 20))).toBe(50);
    expect(nextPriority([])).toBe(10);
    expect(nextPriority(list(100_000))).toBe(100_000);
  });
});
