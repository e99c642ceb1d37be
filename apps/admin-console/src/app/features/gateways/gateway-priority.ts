import type { GatewayPriorityUpdate, GatewayView } from '@lsp/contracts';

const STEP = 10;

export interface Reordering {
  /** The list in its new order, each gateway carrying its new priority. */
  gateways: GatewayView[];
  /** Only the gateways whose priority changes: the body of `PUT /admin/gateways/priority`. */
  updates: GatewayPriorityUpdate[];
}

/**
 * Turns a drag-and-drop move into priorities. The gateways keep the set of priorities they already had, dealt
 * out again in the new order, so only the moved range changes and the numbers an operator chose (gaps for
 * future gateways) survive. When two gateways share a priority (possible after creates), the list is
 * renumbered 10, 20, 30… instead, because the API refuses a bulk update that leaves a collision.
 */
export function reorderGateways(list: readonly GatewayView[], from: number, to: number): Reordering {
  const moved = [...list];
  const [item] = moved.splice(from, 1);
  if (item === undefined) {
    return { gateways: [...list], updates: [] };
  }
  moved.splice(Math.max(0, Math.min(to, moved.length)), 0, item);

  const current = list.map((g) => g.priority).sort((a, b) => a - b);
  const distinct = new Set(current).size === current.length;
  const priorities = distinct ? current : list.map((_, i) => (i + 1) * STEP);

  const gateways = moved.map((g, i) => ({ ...g, priority: priorities[i] as number }));
  const before = new Map(list.map((g) => [g.id, g.priority]));
  const updates = gateways
    .filter((g) => before.get(g.id) !== g.priority)
    .map((g) => ({ id: g.id, priority: g.priority }));
  return { gateways, updates };
}

/** The priority a new gateway gets by default: after every existing one, on the same step. */
export function nextPriority(list: readonly GatewayView[]): number {
  const highest = list.reduce((max, g) => Math.max(max, g.priority), 0);
  return Math.min(100_000, highest + STEP);
}
