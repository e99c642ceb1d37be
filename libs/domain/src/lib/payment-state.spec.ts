import fc from 'fast-check';
import {
  PAYMENT_EVENTS,
  PAYMENT_STATUSES,
  PAYMENT_TRANSITIONS,
  type PaymentEvent,
  type PaymentStatus,
  applyPaymentEvent,
  canApplyPaymentEvent,
  isPaymentStatus,
  isTerminalPaymentStatus,
  nextPaymentStatus,
  paymentStateMachine,
} from './payment-state';
import { IllegalTransitionError } from './state-machine';

/**
 * The whole matrix, written out by hand so that a change to the table has to be made here too:
 * a status = transition; `=` repeated (no-op); `~` superseded (late, no-op); `x` illegal (409).
 */
// prettier-ignore
const MATRIX: [PaymentStatus, ...string[]][] = [
  //                    submitted  captured    failed    cancelled    refunded_partially    refunded_fully
  ['created',            'pending', 'x',        'failed', 'x',         'x',                  'x'],
  ['pending',            '=',       'captured', 'failed', 'cancelled', 'x',                  'x'],
  ['captured',           '~',       '=',        'x',      'x',         'partially_refunded', 'refunded'],
  ['failed',             '~',       'x',        '=',      'x',         'x',                  'x'],
  ['cancelled',          '~',       'x',        'x',      '=',         'x',                  'x'],
  ['partially_refunded', '~',       '~',        'x',      'x',         '=',                  'refunded'],
  ['refunded',           '~',       '~',        'x',      'x',         '~',                  '='],
];
const EXPECTED = Object.fromEntries(
  MATRIX.map(([from, ...cells]) => [from, Object.fromEntries(PAYMENT_EVENTS.map((event, i) => [event, cells[i]]))]),
) as Record<PaymentStatus, Record<PaymentEvent, string>>;

const cases = PAYMENT_STATUSES.flatMap((from) => PAYMENT_EVENTS.map((event) => [from, event] as const));

describe('payment state machine', () => {
  it('lists every status in the matrix', () => {
    expect(MATRIX.map(([from]) => from)).toEqual([...PAYMENT_STATUSES]);
  });

  it.each(cases)('%s + %s', (from, event) => {
    const expected = EXPECTED[from][event];
    if (expected === 'x') {
      expect(() => applyPaymentEvent(from, event)).toThrow(IllegalTransitionError);
      expect(() => nextPaymentStatus(from, event)).toThrow(
        expect.objectContaining({ from, event, machine: 'payment' }),
      );
      expect(canApplyPaymentEvent(from, event)).toBe(false);
    } else if (expected === '=' || expected === '~') {
      const reason = expected === '=' ? 'repeated' : 'superseded';
      expect(applyPaymentEvent(from, event)).toEqual({ status: from, changed: false, reason });
      expect(nextPaymentStatus(from, event)).toBe(from);
    } else {
      expect(applyPaymentEvent(from, event)).toEqual({ status: expected, changed: true });
      expect(nextPaymentStatus(from, event)).toBe(expected);
    }
  });

  it('has exactly the transitions of API.md §5', () => {
    const edges = PAYMENT_STATUSES.flatMap((from) =>
      Object.entries(PAYMENT_TRANSITIONS[from]).map(([event, to]) => `${from} -${event}-> ${to}`),
    );
    expect(edges.sort()).toEqual(
      [
        'created -submitted-> pending',
        'created -failed-> failed',
        'pending -captured-> captured',
        'pending -failed-> failed',
        'pending -cancelled-> cancelled',
        'captured -refunded_partially-> partially_refunded',
        'captured -refunded_fully-> refunded',
        'partially_refunded -refunded_fully-> refunded',
      ].sort(),
    );
  });

  it('refuses to cancel a payment that is still being submitted', () => {
    expect(() => applyPaymentEvent('created', 'cancelled')).toThrow(IllegalTransitionError);
  });

  it('has failed, cancelled and refunded as its only terminal statuses', () => {
    expect(PAYMENT_STATUSES.filter(isTerminalPaymentStatus)).toEqual(['failed', 'cancelled', 'refunded']);
  });

  it('reaches every status from created, and each event leads to one status only', () => {
    expect([...paymentStateMachine.reachableFrom('created')].sort()).toEqual([...PAYMENT_STATUSES].sort());
    for (const event of PAYMENT_EVENTS) expect(paymentStateMachine.targetsOf(event).size).toBe(1);
  });

  it('recognises status strings', () => {
    expect(isPaymentStatus('partially_refunded')).toBe(true);
    expect(isPaymentStatus('succeeded')).toBe(false);
    expect(isPaymentStatus(undefined)).toBe(false);
  });

  describe('properties', () => {
    const status = fc.constantFrom(...PAYMENT_STATUSES);
    const events = fc.array(fc.constantFrom(...PAYMENT_EVENTS), { maxLength: 40 });

    it('random event sequences only ever take table transitions, never move backwards, and stop at terminals', () => {
      fc.assert(
        fc.property(status, events, (start, sequence) => {
          let current: PaymentStatus = start;
          for (const event of sequence) {
            const before = current;
            let result;
            try {
              result = applyPaymentEvent(before, event);
            } catch (error) {
              // Illegal: typed, carries the facts, and only for pairs the table does not allow.
              expect(error).toBeInstanceOf(IllegalTransitionError);
              expect(error).toMatchObject({ from: before, event });
              expect(PAYMENT_TRANSITIONS[before][event]).toBeUndefined();
              continue;
            }
            if (result.changed) {
              expect(result.status).toBe(PAYMENT_TRANSITIONS[before][event]);
              expect(isTerminalPaymentStatus(before)).toBe(false);
              // Forward only: the table has no cycles, so the old status is not reachable from the new one.
              expect(paymentStateMachine.reachableFrom(result.status).has(before)).toBe(false);
            } else {
              expect(result.status).toBe(before);
            }
            current = result.status;
            expect(paymentStateMachine.reachableFrom(start).has(current)).toBe(true);
          }
        }),
      );
    });

    it('applying any accepted event twice changes nothing the second time', () => {
      fc.assert(
        fc.property(status, fc.constantFrom(...PAYMENT_EVENTS), (from, event) => {
          fc.pre(canApplyPaymentEvent(from, event));
          const once = applyPaymentEvent(from, event);
          expect(applyPaymentEvent(once.status, event)).toMatchObject({ status: once.status, changed: false });
        }),
      );
    });
  });
});
