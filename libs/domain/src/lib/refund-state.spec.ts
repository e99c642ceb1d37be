import {
  REFUND_EVENTS,
  REFUND_STATUSES,
  type RefundEvent,
  type RefundStatus,
  applyRefundEvent,
  isRefundStatus,
  isTerminalRefundStatus,
  nextRefundStatus,
} from './refund-state';
import { IllegalTransitionError } from './state-machine';

const CASES: [RefundStatus, RefundEvent, RefundStatus | 'repeated' | 'illegal'][] = [
  ['pending', 'succeeded', 'succeeded'],
  ['pending', 'failed', 'failed'],
  ['succeeded', 'succeeded', 'repeated'],
  ['failed', 'failed', 'repeated'],
  ['succeeded', 'failed', 'illegal'],
  ['failed', 'succeeded', 'illegal'],
];

describe('refund state machine', () => {
  it.each(CASES)('%s + %s → %s', (from, event, expected) => {
    if (expected === 'illegal') {
      expect(() => applyRefundEvent(from, event)).toThrow(IllegalTransitionError);
      expect(() => nextRefundStatus(from, event)).toThrow(expect.objectContaining({ machine: 'refund', from, event }));
    } else if (expected === 'repeated') {
      expect(applyRefundEvent(from, event)).toEqual({ status: from, changed: false, reason: 'repeated' });
    } else {
      expect(applyRefundEvent(from, event)).toEqual({ status: expected, changed: true });
      expect(nextRefundStatus(from, event)).toBe(expected);
    }
  });

  it('checks every status and event pair above', () => {
    const pairs = new Set(CASES.map(([from, event]) => `${from}+${event}`));
    expect(pairs.size).toBe(REFUND_STATUSES.length * REFUND_EVENTS.length);
  });

  it('ends in succeeded or failed', () => {
    expect(REFUND_STATUSES.filter(isTerminalRefundStatus)).toEqual(['succeeded', 'failed']);
    expect(isRefundStatus('pending')).toBe(true);
    expect(isRefundStatus('refunded')).toBe(false);
  });
});
