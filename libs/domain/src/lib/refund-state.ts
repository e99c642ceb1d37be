import { StateMachine, type TransitionResult, type TransitionTable } from './state-machine';

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_EVENTS = ['succeeded', 'failed'] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

/**
 * Every allowed refund transition. A refund is created `pending` (its amount is reserved against the capture from
 * that moment, see `refundableAmount`) and the gateway settles it once, either way.
 */
export const REFUND_TRANSITIONS: TransitionTable<RefundStatus, RefundEvent> = {
  pending: { succeeded: 'succeeded', failed: 'failed' },
  succeeded: {},
  failed: {},
};

export const refundStateMachine = new StateMachine<RefundStatus, RefundEvent>('refund', REFUND_TRANSITIONS);

export type RefundTransition = TransitionResult<RefundStatus>;

/** A repeated gateway answer is a no-op (`changed: false`); a contradicting one (failed after succeeded) throws. */
export function applyRefundEvent(from: RefundStatus, event: RefundEvent): RefundTransition {
  return refundStateMachine.apply(from, event);
}

export function nextRefundStatus(from: RefundStatus, event: RefundEvent): RefundStatus {
  return applyRefundEvent(from, event).status;
}

export function isTerminalRefundStatus(status: RefundStatus): boolean {
  return refundStateMachine.isTerminal(status);
}

export function isRefundStatus(value: unknown): value is RefundStatus {
  return typeof value === 'string' && (REFUND_STATUSES as readonly string[]).includes(value);
}
