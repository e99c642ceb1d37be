import { DomainError } from './domain-error';

/** `table[from][event] = to`: every allowed transition of one machine, and nothing else. */
export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

/**
 * The result of applying an event. `changed: false` means there is nothing to persist or announce:
 * - `repeated`: the event is the one that produced the current status (a duplicate callback, a retried request,
 *   a second partial refund) — applying it again is idempotent;
 * - `superseded`: the event leads to a status the aggregate has already moved past (a late `pending` callback
 *   after the capture, a capture callback after a refund). Applying it would move the aggregate backwards.
 */
export type TransitionResult<S extends string> =
  | { readonly status: S; readonly changed: true }
  | { readonly status: S; readonly changed: false; readonly reason: 'repeated' | 'superseded' };

/** An event that contradicts the current status (e.g. capture a failed payment). The API answers 409 `conflict`. */
export class IllegalTransitionError extends DomainError {
  readonly code = 'illegal_transition';

  constructor(
    readonly machine: string,
    readonly from: string,
    readonly event: string,
  ) {
    super(`${machine} cannot take event "${event}" in status "${from}"`);
  }
}

/** A state machine defined by its table alone; every rule below is derived from the table, none is written twice. */
export class StateMachine<S extends string, E extends string> {
  private readonly reachable: ReadonlyMap<S, ReadonlySet<S>>;

  constructor(
    readonly name: string,
    readonly table: TransitionTable<S, E>,
  ) {
    this.reachable = new Map(this.statuses().map((status) => [status, this.collectReachable(status)]));
  }

  statuses(): S[] {
    return Object.keys(this.table) as S[];
  }

  /** Statuses reachable from `from` in zero or more steps (so including `from`). */
  reachableFrom(from: S): ReadonlySet<S> {
    return this.reachable.get(from) ?? new Set([from]);
  }

  /** The events that move `from` to another status. */
  eventsFrom(from: S): E[] {
    return (Object.keys(this.table[from]) as E[]).filter((event) => this.table[from][event] !== from);
  }

  /** No event moves a terminal status anywhere. */
  isTerminal(status: S): boolean {
    return this.eventsFrom(status).length === 0;
  }

  /** Where `event` leads, from any status that allows it. */
  targetsOf(event: E): Set<S> {
    const targets = new Set<S>();
    for (const from of this.statuses()) {
      const to = this.table[from][event];
      if (to !== undefined) targets.add(to);
    }
    return targets;
  }

  /** The new status, or a no-op signal for a repeated or superseded event; throws for a contradicting one. */
  apply(from: S, event: E): TransitionResult<S> {
    const result = this.resolve(from, event);
    if (result === undefined) throw new IllegalTransitionError(this.name, from, event);
    return result;
  }

  /** True when `apply` would not throw. */
  accepts(from: S, event: E): boolean {
    return this.resolve(from, event) !== undefined;
  }

  private resolve(from: S, event: E): TransitionResult<S> | undefined {
    const to = this.table[from][event];
    if (to !== undefined && to !== from) return { status: to, changed: true };
    const targets = this.targetsOf(event);
    if (targets.has(from)) return { status: from, changed: false, reason: 'repeated' };
    for (const target of targets) {
      if (this.reachableFrom(target).has(from)) return { status: from, changed: false, reason: 'superseded' };
    }
    return undefined;
  }

  private collectReachable(start: S): Set<S> {
    const seen = new Set<S>([start]);
    const queue: S[] = [start];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const to of Object.values(this.table[next]) as S[]) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    return seen;
  }
}
