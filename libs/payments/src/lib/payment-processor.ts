import type { EntityManager } from 'typeorm';
import type { PaymentView } from '@lsp/contracts';
import { type PaymentEvent, type PaymentStatus, applyPaymentEvent, attemptVerdict, newId } from '@lsp/domain';
import { type GatewayAdapter, type GatewayContext, adapterFor } from '@lsp/gateways';
import { type Database, recordEvent } from '@lsp/persistence';
import type { Logger } from '@lsp/platform';
import { type GatewayCircuit, NO_CIRCUIT } from './gateway-circuit';
import { type GatewayDirectory, type GatewayRecord } from './gateway-directory';
import { type AttemptRow, type PaymentRow, toPaymentView } from './payment-rows';
import { paymentsRepository as repo } from './payments.repository';
import { rankCandidates } from './routing';
import { PaymentNotFoundError } from './errors';

export interface ProcessorOptions {
  /** Per gateway call. A gateway that hangs costs at most this. */
  gatewayTimeoutMs: number;
  /** Our own base URL: gateways call back to `${base}/api/v1/webhooks/gateways/:code`. */
  publicBaseUrl: string;
  retryTemporaryMax: number;
  /** First retry delay when every candidate failed temporarily; doubles each time. */
  retryBaseDelayMs: number;
  stalePaymentAfterMs: number;
  sandboxCallbackDelayMs: number;
}

export interface RouteOutcome {
  payment: PaymentView;
  /** Time spent waiting on gateways, for Server-Timing. */
  gatewayMs: number;
  /** True when no gateway could even be tried (none eligible): the API answers 502. */
  noCandidates: boolean;
}

/** Called inside the transaction that settles a routing's outcome, with exactly what `route` then returns. */
export type OnSettled = (em: EntityManager, outcome: { payment: PaymentView; noCandidates: boolean }) => Promise<void>;

type Step =
  | { kind: 'stop' }
  | { kind: 'exhausted' }
  | { kind: 'no_candidates'; view: PaymentView }
  | { kind: 'attempt'; gateway: GatewayRecord; attempt: { row: AttemptRow; payment: PaymentRow } };

/** One payment's routing so far: the ranked candidates, the next one to try and those passed over. */
class RoutingState {
  plan: ReturnType<typeof rankCandidates<GatewayRecord>> | null = null;
  /** Candidates passed over because their circuit is open. */
  readonly circuitOpen = new Set<string>();
  /** Attempts this routing made. */
  tries = 0;
  rank = 0;
  constructor(readonly gateways: GatewayRecord[]) {}
}

/** A routing step taken in the transaction that created the payment; `route` continues from it. */
export interface FirstStep {
  readonly state: RoutingState;
  readonly step: Step;
}

const TERMINAL_OR_IN_FLIGHT_ATTEMPT = new Set(['pending', 'succeeded', 'unknown']);

/**
 * Gets a payment to a gateway that takes it. Shared by the API (first routing) and the retry worker.
 *
 * Each attempt row is written as `unknown` *before* the gateway is called and updated with the answer after, in
 * separate short transactions (no database transaction is held open across network calls). A crash in between
 * leaves an `unknown` attempt, which is resolved by a status query — never by trying another gateway, which
 * could charge the customer twice. Only `failed_retryable` (certainly not accepted) moves on to the next gateway.
 */
export class PaymentProcessor {
  constructor(
    private readonly db: Database,
    private readonly gateways: GatewayDirectory,
    private readonly options: ProcessorOptions,
    private readonly logger: Logger,
    private readonly adapters: (provider: GatewayRecord['provider']) => GatewayAdapter = adapterFor,
    /** Shared through Redis: a gateway whose circuit is open is skipped here in every process. */
    private readonly circuit: GatewayCircuit = NO_CIRCUIT,
  ) {}

  context(g: GatewayRecord): GatewayContext {
    return {
      code: g.code,
      provider: g.provider,
      config:
        g.provider === 'sandbox' ? { callbackDelayMs: this.options.sandboxCallbackDelayMs, ...g.config } : g.config,
      credentials: g.credentials,
      webhookSecret: g.webhookSecret,
      timeoutMs: this.options.gatewayTimeoutMs,
      callbackUrl: `${this.options.publicBaseUrl}/api/v1/webhooks/gateways/${g.code}`,
      publicBaseUrl: this.options.publicBaseUrl,
    };
  }

  /** The gateways routing ranks. Read them before opening a transaction: a cache miss takes a pool connection. */
  routingGateways(): Promise<GatewayRecord[]> {
    return this.gateways.all();
  }

  /**
   * Takes a new payment's first routing step inside the transaction that inserts it, saving the step's own
   * transaction: the row is invisible to everyone else until that commit, so it needs no lock and has no attempts.
   * The `unknown` attempt is still committed before the gateway is called (by the caller's commit); pass the
   * result to `route` once that transaction has committed.
   */
  async firstStepIn(
    em: EntityManager,
    merchantId: string,
    payment: PaymentRow,
    gateways: GatewayRecord[],
  ): Promise<FirstStep> {
    const state = new RoutingState(gateways);
    return { state, step: await this.stepIn(em, merchantId, payment, () => Promise.resolve([]), state) };
  }

  /**
   * `onSettled` runs inside the transaction that settles the outcome route returns (not when a later failover or
   * retry takes over), so the caller can record its response atomically with it.
   */
  async route(
    merchantId: string,
    paymentId: string,
    options: { first?: FirstStep; onSettled?: OnSettled } = {},
  ): Promise<RouteOutcome> {
    let gatewayMs = 0;
    const state = options.first?.state ?? new RoutingState(await this.gateways.all());
    let taken: Step | undefined = options.first?.step;

    for (; ; state.rank++) {
      const step =
        taken ??
        (await this.db.merchant(merchantId, async (em) => {
          const payment = await repo.findPayment(em, paymentId, true);
          if (!payment) throw new PaymentNotFoundError(paymentId);
          if (!['created', 'pending'].includes(payment.status)) return { kind: 'stop' as const };
          const next = await this.stepIn(em, merchantId, payment, () => repo.attemptsOf(em, [paymentId]), state);
          if (next.kind === 'no_candidates') await options.onSettled?.(em, { payment: next.view, noCandidates: true });
          return next;
        }));
      taken = undefined;
      if (step.kind === 'no_candidates') return { payment: step.view, gatewayMs, noCandidates: true };
      if (step.kind !== 'attempt') break;
      const { gateway, attempt } = step;
      state.tries++;

      const started = Date.now();
      const result = await this.adapters(gateway.provider).createPayment(
        {
          paymentId,
          attemptId: attempt.row.id,
          attemptNumber: attempt.row.attempt_number,
          amount: Number(attempt.payment.amount),
          currency: attempt.payment.currency,
          method: attempt.payment.method,
          description: attempt.payment.description ?? undefined,
          customer: attempt.payment.customer ?? undefined,
          returnUrl: attempt.payment.return_url ?? undefined,
          metadata: attempt.payment.metadata,
        },
        this.context(gateway),
      );
      gatewayMs += Date.now() - started;
      await this.circuit.record(gateway.id, attemptVerdict(result.status) === 'ok' ? 'success' : 'failure');

      const recorded = await this.db.merchant(
        merchantId,
        async (em): Promise<{ done: boolean; view?: PaymentView }> => {
          const payment = await repo.findPayment(em, paymentId, true);
          if (!payment) return { done: true };
          // The answer, the view the caller returns and (onSettled) its response commit in one transaction.
          const done = async (view: PaymentView) => {
            await options.onSettled?.(em, { payment: view, noCandidates: false });
            return { done: true, view };
          };
          switch (result.status) {
            case 'pending': {
              await repo.updateAttempt(em, attempt.row.id, {
                status: 'pending',
                gatewayReference: result.gatewayReference,
                latencyMs: result.latencyMs,
              });
              const row = await this.toPending(
                em,
                payment,
                gateway,
                result.gatewayReference,
                result.nextAction ?? null,
              );
              return done(await this.viewIn(em, row));
            }
            case 'succeeded': {
              await repo.updateAttempt(em, attempt.row.id, {
                status: 'succeeded',
                gatewayReference: result.gatewayReference,
                latencyMs: result.latencyMs,
              });
              const attempts = await repo.attemptsOf(em, [paymentId]);
              const row = await this.capture(em, payment, gateway, result.gatewayReference, attempts);
              return done(toPaymentView(row, attempts));
            }
            case 'unknown': {
              await repo.updateAttempt(em, attempt.row.id, {
                status: 'unknown',
                errorCode: result.errorCode,
                errorMessage: result.errorMessage,
                latencyMs: result.latencyMs,
              });
              // The gateway may have the payment: wait for its callback or ask it, never try elsewhere.
              const row = await this.toPending(em, payment, gateway, null, null);
              return done(await this.viewIn(em, row));
            }
            case 'failed_permanent':
              await repo.updateAttempt(em, attempt.row.id, {
                status: 'failed_permanent',
                gatewayReference: result.gatewayReference ?? null,
                errorCode: result.errorCode,
                errorMessage: result.errorMessage,
                latencyMs: result.latencyMs,
              });
              return done(
                await this.finish(em, paymentId, 'failed', {
                  gateway_id: gateway.id,
                  gateway_code: gateway.code,
                  failure_code: result.errorCode,
                  failure_message: result.errorMessage,
                }),
              );
            case 'failed_retryable':
              await repo.updateAttempt(em, attempt.row.id, {
                status: 'failed_retryable',
                errorCode: result.errorCode,
                errorMessage: result.errorMessage,
                latencyMs: result.latencyMs,
              });
              return { done: false };
          }
        },
      );
      if (recorded.done)
        return { payment: recorded.view ?? (await this.view(merchantId, paymentId)), gatewayMs, noCandidates: false };
    }

    // Every candidate failed temporarily (or another process took over): schedule a retry, or give up.
    const payment = await this.db.merchant(merchantId, async (em) => {
      const view = await this.afterLastCandidate(em, paymentId);
      if (view) await options.onSettled?.(em, { payment: view, noCandidates: false });
      return view;
    });
    if (!payment) throw new Error(`payment ${paymentId} vanished during routing`);
    return { payment, gatewayMs, noCandidates: false };
  }

  /** One routing step under the payment's lock: the next candidate's `unknown` attempt, or why there is none. */
  private async stepIn(
    em: EntityManager,
    merchantId: string,
    payment: PaymentRow,
    attemptsOf: () => Promise<AttemptRow[]>,
    state: RoutingState,
  ): Promise<Step> {
    const paymentId = payment.id;
    // Candidates are ranked once, under the first attempt's lock, and kept for the failovers that follow.
    state.plan ??= rankCandidates(state.gateways, {
      currency: payment.currency,
      method: payment.method,
      preferred: payment.preferred_gateway,
    });
    const plan = state.plan;
    if (!plan.candidates.length) {
      const view = await this.finish(em, paymentId, 'failed', {
        failure_code: 'no_gateway_available',
        failure_message: 'No enabled gateway supports this currency and method',
      });
      return { kind: 'no_candidates', view };
    }
    const attempts = await attemptsOf();
    // Another process already has an answer (or an open question) for this payment: do not send it again.
    if (attempts.some((a) => TERMINAL_OR_IN_FLIGHT_ATTEMPT.has(a.status))) return { kind: 'stop' };
    // Asked last, right before sending: admitting a half-open gateway claims its single trial.
    let gateway = plan.candidates[state.rank];
    while (gateway && !(await this.circuit.admit(gateway.id))) {
      state.circuitOpen.add(gateway.code);
      gateway = plan.candidates[++state.rank];
    }
    if (!gateway) return { kind: 'exhausted' };
    const row = await repo.insertAttempt(em, {
      id: newId('attempt'),
      paymentId,
      merchantId,
      gatewayId: gateway.id,
      gatewayCode: gateway.code,
      routing: {
        reason:
          state.tries === 0 ? plan.decision.reason : `failover #${state.tries}: earlier candidates failed temporarily`,
        candidates: plan.decision.candidates.map((c) =>
          state.circuitOpen.has(c.code) ? { ...c, skipped: 'circuit open after repeated failures' } : c,
        ),
      },
    });
    return { kind: 'attempt', gateway, attempt: { row, payment } };
  }

  /** Schedules a retry for a payment none of whose candidates took it, or fails it once retries are spent. */
  private async afterLastCandidate(em: EntityManager, paymentId: string): Promise<PaymentView | null> {
    const p = await repo.findPayment(em, paymentId, true);
    if (!p || !['created', 'pending'].includes(p.status)) return p ? this.viewIn(em, p) : null;
    const attempts = await repo.attemptsOf(em, [paymentId]);
    if (attempts.some((a) => TERMINAL_OR_IN_FLIGHT_ATTEMPT.has(a.status))) return toPaymentView(p, attempts);
    if (p.retry_count >= this.options.retryTemporaryMax) {
      return this.finish(em, paymentId, 'failed', {
        failure_code: 'all_gateways_unavailable',
        failure_message: 'Every gateway failed temporarily and the retries are spent',
      });
    }
    const delay = this.options.retryBaseDelayMs * 2 ** p.retry_count;
    const row = await repo.updatePayment(em, paymentId, {
      status: statusAfter(p.status, p.status === 'created' ? ['submitted'] : []),
      next_retry_at: new Date(Date.now() + delay),
    });
    return toPaymentView(row, attempts);
  }

  /** Cancels a payment still waiting at the gateway (or not yet sent). */
  async cancel(merchantId: string, paymentId: string): Promise<PaymentView> {
    return this.db.merchant(merchantId, async (em) => {
      const payment = await repo.findPayment(em, paymentId, true);
      if (!payment) throw new PaymentNotFoundError(paymentId);
      return this.finish(em, paymentId, 'cancelled');
    });
  }

  /** Called by the retry worker for a payment whose `next_retry_at` has come. Safe to run twice. */
  async retry(merchantId: string, paymentId: string): Promise<RouteOutcome | null> {
    const claimed = await this.db.merchant(merchantId, async (em) => {
      const p = await repo.findPayment(em, paymentId, true);
      if (!p || p.status !== 'pending' || !p.next_retry_at || p.next_retry_at.getTime() > Date.now()) return false;
      await repo.updatePayment(em, paymentId, { retry_count: p.retry_count + 1, next_retry_at: null });
      return true;
    });
    return claimed ? this.route(merchantId, paymentId) : null;
  }

  /**
   * Asks the gateway about a payment that has been pending too long (lost callback, unknown outcome) and applies
   * the answer. No answer yet: look again later, backing off. An attempt whose outcome stays unknown is never
   * failed automatically (the customer may have paid); after `reviewAfterAttempts` checks it is flagged for an
   * operator instead. Safe to run concurrently: the outcome is applied idempotently under the payment's row lock.
   */
  async reconcile(
    paymentId: string,
    reviewAfterAttempts = 8,
  ): Promise<'captured' | 'failed' | 'still_pending' | 'flagged' | 'not_due'> {
    const due = await this.db.platform(async (em) => {
      const p = await repo.findPayment(em, paymentId, true);
      if (!p || p.status !== 'pending' || !p.stale_check_at || p.stale_check_at.getTime() > Date.now()) return null;
      const attempts = await repo.attemptsOf(em, [paymentId]);
      const open = [...attempts].reverse().find((a) => a.status === 'pending' || a.status === 'unknown');
      if (!open) return null;
      // Claim this check: another monitor skips the payment until the next slot.
      const backoffMs = Math.min(this.options.stalePaymentAfterMs * 2 ** p.reconcile_attempts, 24 * 3600_000);
      await repo.updatePayment(em, paymentId, {
        reconcile_attempts: p.reconcile_attempts + 1,
        stale_check_at: new Date(Date.now() + backoffMs),
      });
      return { payment: p, attempt: open };
    });
    if (!due) return 'not_due';
    const gateway = await this.gateways.byId(due.attempt.gateway_id);
    if (!gateway) return 'still_pending';
    const status = await this.adapters(gateway.provider).getPaymentStatus(
      {
        attemptId: due.attempt.id,
        attemptNumber: due.attempt.attempt_number,
        gatewayReference: due.attempt.gateway_reference,
        amount: Number(due.payment.amount),
        currency: due.payment.currency,
      },
      this.context(gateway),
    );
    if (status.status === 'succeeded' || status.status === 'failed_permanent') {
      await this.applyGatewayOutcome(due.attempt.id, {
        status: status.status === 'succeeded' ? 'succeeded' : 'failed',
        gatewayReference: status.gatewayReference,
        errorCode: status.errorCode,
        errorMessage: status.errorMessage,
      });
      return status.status === 'succeeded' ? 'captured' : 'failed';
    }
    if (due.payment.reconcile_attempts + 1 >= reviewAfterAttempts) {
      await this.db.platform((em) => repo.updatePayment(em, paymentId, { needs_review: true }));
      this.logger.warn(
        { paymentId, attemptId: due.attempt.id, gatewayStatus: status.status },
        'payment outcome still unknown; flagged for review',
      );
      return 'flagged';
    }
    return 'still_pending';
  }

  /**
   * Applies a gateway's final word on an attempt (signed callback or status query). Idempotent, and never moves a
   * payment backwards: a late failure after a capture is ignored; a capture after we failed or cancelled is
   * flagged for an operator (the customer paid; it needs a refund or manual capture).
   */
  async applyGatewayOutcome(
    attemptId: string,
    outcome: {
      status: 'succeeded' | 'failed';
      gatewayReference?: string;
      errorCode?: string;
      errorMessage?: string;
      /** What the gateway says it captured; a mismatch is never applied. */
      amount?: number;
      currency?: string;
    },
  ): Promise<'applied' | 'duplicate' | 'ignored' | 'flagged' | 'unknown_attempt' | 'amount_mismatch'> {
    return this.db.platform((em) => this.applyGatewayOutcomeIn(em, attemptId, outcome));
  }

  /** The same, inside the caller's platform-scoped transaction (e.g. with the webhook's dedupe insert). */
  async applyGatewayOutcomeIn(
    em: EntityManager,
    attemptId: string,
    outcome: Parameters<PaymentProcessor['applyGatewayOutcome']>[1],
  ): ReturnType<PaymentProcessor['applyGatewayOutcome']> {
    // Nothing in here may take a second pool connection (e.g. the gateway directory): with every connection held
    // by a callback's transaction waiting for another one, the pool would deadlock under load.
    {
      // The attempts are read under the payment's lock, which every attempt insert and update also holds: they are
      // current for the duplicate check below and for the event's payload.
      const payment = await repo.lockPaymentOfAttempt(em, attemptId);
      if (!payment) return 'unknown_attempt';
      const attempts = await repo.attemptsOf(em, [payment.id]);
      const attempt = attempts.find((a) => a.id === attemptId);
      if (!attempt) return 'unknown_attempt';
      if (
        outcome.status === 'succeeded' &&
        ((outcome.amount !== undefined && outcome.amount !== Number(payment.amount)) ||
          (outcome.currency !== undefined && outcome.currency !== payment.currency))
      ) {
        await repo.updatePayment(em, payment.id, { needs_review: true });
        this.logger.error(
          { paymentId: payment.id, attemptId, reported: outcome.amount },
          'gateway reported another amount; flagged for review',
        );
        return 'amount_mismatch';
      }
      const target = outcome.status === 'succeeded' ? 'succeeded' : 'failed_permanent';
      if (attempt.status === target) return 'duplicate';
      if (
        attempt.status === 'succeeded' ||
        attempt.status === 'failed_permanent' ||
        attempt.status === 'failed_retryable'
      )
        return 'ignored';
      const updated = await repo.updateAttempt(em, attemptId, {
        status: target,
        gatewayReference: outcome.gatewayReference ?? null,
        errorCode: outcome.errorCode ?? null,
        errorMessage: outcome.errorMessage ?? null,
      });
      const gateway = { id: attempt.gateway_id, code: attempt.gateway_code };
      if (payment.status === 'pending' || payment.status === 'created') {
        if (target === 'succeeded')
          await this.capture(
            em,
            payment,
            gateway,
            outcome.gatewayReference ?? attempt.gateway_reference,
            attempts.map((a) => (a.id === attemptId ? updated : a)),
          );
        else
          await this.finish(em, payment.id, 'failed', {
            failure_code: outcome.errorCode ?? 'payment_failed',
            failure_message: outcome.errorMessage ?? 'The gateway reported a failure',
          });
        return 'applied';
      }
      if (target === 'succeeded' && (payment.status === 'failed' || payment.status === 'cancelled')) {
        await repo.updatePayment(em, payment.id, { needs_review: true });
        this.logger.error(
          { paymentId: payment.id, attemptId },
          'gateway captured a payment we had closed; flagged for review',
        );
        return 'flagged';
      }
      return 'ignored';
    }
  }

  async view(merchantId: string, paymentId: string): Promise<PaymentView> {
    return this.db.merchant(merchantId, async (em) =>
      this.viewIn(em, (await repo.findPayment(em, paymentId)) as PaymentRow),
    );
  }

  async viewIn(em: EntityManager, row: PaymentRow): Promise<PaymentView> {
    return toPaymentView(row, await repo.attemptsOf(em, [row.id]));
  }

  private async toPending(
    em: EntityManager,
    payment: PaymentRow,
    gateway: GatewayRecord,
    gatewayReference: string | null,
    nextAction: PaymentView['nextAction'] | null,
  ): Promise<PaymentRow> {
    return repo.updatePayment(em, payment.id, {
      status: statusAfter(payment.status, payment.status === 'created' ? ['submitted'] : []),
      gateway_id: gateway.id,
      gateway_code: gateway.code,
      gateway_reference: gatewayReference,
      next_action: nextAction,
      next_retry_at: null,
      stale_check_at: new Date(Date.now() + this.options.stalePaymentAfterMs),
    });
  }

  private async capture(
    em: EntityManager,
    payment: PaymentRow,
    gateway: Pick<GatewayRecord, 'id' | 'code'>,
    gatewayReference: string | null,
    attempts?: AttemptRow[],
  ): Promise<PaymentRow> {
    const row = await repo.updatePayment(em, payment.id, {
      status: statusAfter(payment.status, payment.status === 'created' ? ['submitted', 'captured'] : ['captured']),
      gateway_id: gateway.id,
      gateway_code: gateway.code,
      gateway_reference: gatewayReference,
      next_action: null,
      next_retry_at: null,
      stale_check_at: null,
      failure_code: null,
      failure_message: null,
    });
    await this.emit(em, row, 'payment.captured', attempts);
    return row;
  }

  /** Closes a payment as failed or cancelled; the state machine refuses any other origin (→ 409). */
  private async finish(
    em: EntityManager,
    paymentId: string,
    event: 'failed' | 'cancelled',
    patch: Partial<Record<keyof PaymentRow, unknown>> = {},
  ): Promise<PaymentView> {
    const current = (await repo.findPayment(em, paymentId, true)) as PaymentRow;
    const transition = applyPaymentEvent(current.status, event);
    // A repeated cancel (or a second failure report) changes nothing and announces nothing.
    if (!transition.changed) return this.viewIn(em, current);
    const status = transition.status;
    const row = await repo.updatePayment(em, paymentId, {
      ...patch,
      status,
      next_action: null,
      stale_check_at: null,
      next_retry_at: null,
    });
    const type = row.status === 'failed' ? 'payment.failed' : row.status === 'cancelled' ? 'payment.cancelled' : null;
    if (type) await this.emit(em, row, type);
    return this.viewIn(em, row);
  }

  async emit(em: EntityManager, row: PaymentRow, type: string, attempts?: AttemptRow[]): Promise<void> {
    const view = toPaymentView(row, attempts ?? (await repo.attemptsOf(em, [row.id])));
    await recordEvent(em, {
      type,
      merchantId: row.merchant_id,
      aggregateType: 'payment',
      aggregateId: row.id,
      payload: view as unknown as Record<string, unknown>,
    });
  }
}

/** Runs events through the payment state machine (libs/domain): an illegal step throws IllegalTransitionError. */
function statusAfter(from: PaymentStatus, events: PaymentEvent[]): PaymentStatus {
  return events.reduce((status, event) => applyPaymentEvent(status, event).status, from);
}
