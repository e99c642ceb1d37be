import { type CdkDragDrop, CdkDrag, CdkDragHandle, CdkDropList } from '@angular/cdk/drag-drop';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { CreatedGateway, GatewayTestResult, GatewayView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, exhaustMap, filter, finalize, interval, switchMap, tap } from 'rxjs';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { type OperationsUpdate, operationsStream } from '../../core/live/operations-stream';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { NotificationService } from '../../core/notifications/notification.service';
import { formatMs, formatPercent } from '../../shared/format/ops-format';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { OneTimeSecret } from '../../shared/ui/one-time-secret';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { GatewayForm } from './gateway-form';
import { GatewayHealthPanel } from './gateway-health-panel';
import {
  GATEWAY_HEALTH_EVENT,
  HEALTH_POLL_INTERVAL_MS,
  applyPolledHealth,
  applyStreamHealth,
  healthFromView,
  isGatewayHealthData,
} from './gateway-health-live';
import { nextPriority, reorderGateways } from './gateway-priority';
import type { GatewayHealthStreamData, LiveHealth } from './gateway-types';
import { GatewaysApiService } from './gateways-api.service';

const LIVE_LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Polling',
};

type PendingAction = { kind: 'delete' | 'disable'; gateway: GatewayView };

type TestOutcome = { kind: 'result'; result: GatewayTestResult } | { kind: 'failed'; error: ApiError };

/**
 * Gateways in routing order, with live health. Health follows the `gateway-health` stream while it is
 * connected; otherwise (stream not served, network trouble) it is re-read from `GET /health` every
 * HEALTH_POLL_INTERVAL_MS, so the page never shows stale figures silently. Admins create, edit, enable,
 * delete, reorder (drag and drop, or the move buttons) and test; `sre` reads.
 */
@Component({
  selector: 'app-gateways-page',
  imports: [
    CdkDrag,
    CdkDragHandle,
    CdkDropList,
    ConfirmDialog,
    GatewayForm,
    GatewayHealthPanel,
    OneTimeSecret,
    PageState,
    StatusBadge,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './gateways-page.html',
  styleUrl: './gateways-page.scss',
})
export class GatewaysPage {
  private readonly api = inject(GatewaysApiService);
  private readonly auth = inject(AuthService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly canManage = computed(() => this.auth.can('manageGateways'));
  protected readonly gateways = signal<GatewayView[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly health = signal<Record<string, LiveHealth>>({});

  protected readonly liveState = signal<StreamState>('connecting');
  protected readonly liveLabel = computed(() => LIVE_LABELS[this.liveState()]);

  /** `'new'`, a gateway being edited, or null. */
  protected readonly formFor = signal<'new' | GatewayView | null>(null);
  protected readonly editing = computed(() => {
    const target = this.formFor();
    return target === 'new' ? null : target;
  });
  protected readonly defaultPriority = computed(() => nextPriority(this.gateways()));
  protected readonly createdSecret = signal<CreatedGateway | null>(null);

  protected readonly savingOrder = signal(false);
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly acting = signal(false);
  protected readonly actionError = signal<ApiError | null>(null);
  protected readonly testing = signal<ReadonlySet<string>>(new Set());
  protected readonly tests = signal<Record<string, TestOutcome>>({});
  protected readonly selectedId = signal<string | null>(null);
  protected readonly selected = computed(() => this.gateways().find((g) => g.id === this.selectedId()) ?? null);

  protected readonly percent = formatPercent;
  protected readonly latency = formatMs;

  private readonly loads = new Subject<void>();

  constructor() {
    this.loads
      .pipe(
        switchMap(() => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.list().pipe(
            tap({
              next: (page) => this.showList(page.data),
              error: (error: unknown) => this.error.set(toApiError(error)),
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.load();

    operationsStream<GatewayHealthStreamData>(inject(SseService), 'gateway-health', [GATEWAY_HEALTH_EVENT])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((update) => this.onLive(update));

    // The fallback: only while the stream is not delivering.
    interval(inject(HEALTH_POLL_INTERVAL_MS))
      .pipe(
        filter(() => this.liveState() !== 'open' && !this.loading()),
        exhaustMap(() => this.api.health().pipe(catchError(() => EMPTY))),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((page) =>
        this.health.update((current) => {
          const next = { ...current };
          for (const entry of page.data) {
            next[entry.id] = applyPolledHealth(current[entry.id], entry);
          }
          return next;
        }),
      );
  }

  protected load(): void {
    this.loads.next();
  }

  protected healthOf(gateway: GatewayView): LiveHealth {
    return this.health()[gateway.id] ?? healthFromView(gateway);
  }

  protected testOf(gateway: GatewayView): TestOutcome | undefined {
    return this.tests()[gateway.id];
  }

  // ---- create and edit ----

  protected openCreate(): void {
    this.formFor.set('new');
  }

  protected openEdit(gateway: GatewayView): void {
    this.formFor.set(gateway);
  }

  protected onSaved(result: GatewayView | CreatedGateway): void {
    const created = this.formFor() === 'new';
    this.formFor.set(null);
    if (created && 'webhookSecret' in result) {
      this.createdSecret.set(result);
    }
    this.notifications.success(`Gateway ${result.code} ${created ? 'created' : 'saved'}.`);
    this.load();
  }

  // ---- reorder ----

  protected onDrop(event: CdkDragDrop<GatewayView[]>): void {
    this.move(event.previousIndex, event.currentIndex);
  }

  protected moveBy(index: number, delta: number): void {
    this.move(index, index + delta);
  }

  /**
   * Shows the new order at once and saves it in one atomic `PUT /priority`; on any refusal the previous order
   * comes back, so the screen never claims an order the server does not route by.
   */
  private move(from: number, to: number): void {
    const before = this.gateways();
    if (from === to || to < 0 || to >= before.length || this.savingOrder()) {
      return;
    }
    const { gateways, updates } = reorderGateways(before, from, to);
    if (updates.length === 0) {
      return;
    }
    this.gateways.set(gateways);
    this.savingOrder.set(true);
    this.api
      .setPriorities(updates)
      .pipe(
        finalize(() => this.savingOrder.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (page) => {
          this.showList(page.data);
          this.notifications.success('Routing order saved.');
        },
        error: (error: unknown) => {
          this.gateways.set(before);
          const failure = toApiError(error);
          this.notifications.error(`Order not saved: ${failure.message}`, failure.requestId);
        },
      });
  }

  // ---- enable, disable, delete ----

  protected enable(gateway: GatewayView): void {
    this.setEnabled(gateway, true);
  }

  protected askDisable(gateway: GatewayView): void {
    this.actionError.set(null);
    this.pending.set({ kind: 'disable', gateway });
  }

  protected askDelete(gateway: GatewayView): void {
    this.actionError.set(null);
    this.pending.set({ kind: 'delete', gateway });
  }

  protected confirmPending(): void {
    const action = this.pending();
    if (!action || this.acting()) {
      return;
    }
    if (action.kind === 'disable') {
      this.setEnabled(action.gateway, false);
      return;
    }
    this.acting.set(true);
    this.api
      .remove(action.gateway.id)
      .pipe(
        finalize(() => {
          this.acting.set(false);
          this.pending.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: () => {
          this.gateways.update((list) => list.filter((g) => g.id !== action.gateway.id));
          if (this.selectedId() === action.gateway.id) {
            this.selectedId.set(null);
          }
          this.notifications.success(`Gateway ${action.gateway.code} deleted.`);
        },
        // e.g. 409 gateway_in_use: payments still in flight need this gateway for callbacks and status queries.
        error: (error: unknown) => this.actionError.set(toApiError(error)),
      });
  }

  private setEnabled(gateway: GatewayView, enabled: boolean): void {
    this.acting.set(true);
    this.api
      .setEnabled(gateway.id, enabled)
      .pipe(
        finalize(() => {
          this.acting.set(false);
          this.pending.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => {
          this.replace(updated);
          this.notifications.success(`${updated.name} ${updated.enabled ? 'enabled' : 'disabled'}.`);
        },
        // The error interceptor has already shown the API's message and request id.
        error: () => undefined,
      });
  }

  // ---- test connection ----

  protected test(gateway: GatewayView): void {
    if (this.testing().has(gateway.id)) {
      return;
    }
    this.testing.update((ids) => new Set([...ids, gateway.id]));
    this.api
      .test(gateway.id)
      .pipe(
        finalize(() => this.testing.update((ids) => new Set([...ids].filter((id) => id !== gateway.id)))),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => this.tests.update((all) => ({ ...all, [gateway.id]: { kind: 'result', result } })),
        error: (error: unknown) =>
          this.tests.update((all) => ({ ...all, [gateway.id]: { kind: 'failed', error: toApiError(error) } })),
      });
  }

  // ---- health panel ----

  protected openHealth(gateway: GatewayView): void {
    this.selectedId.set(gateway.id);
  }

  protected closeHealth(): void {
    this.selectedId.set(null);
  }

  // ---- helpers ----

  private showList(gateways: GatewayView[]): void {
    this.gateways.set(gateways);
    // A fresh read of the list is at least as new as the polled figures, but knows nothing of the circuit.
    this.health.update((current) =>
      Object.fromEntries(
        gateways.map((g) => [g.id, applyPolledHealth(current[g.id], { id: g.id, code: g.code, ...g.health })]),
      ),
    );
  }

  private replace(updated: GatewayView): void {
    this.gateways.update((list) => list.map((g) => (g.id === updated.id ? updated : g)));
  }

  private onLive(update: OperationsUpdate<GatewayHealthStreamData>): void {
    if (update.kind === 'state') {
      this.liveState.set(update.state);
      return;
    }
    if (update.kind === 'truncated') {
      // The resume missed updates: the health shown may be stale, so read it all again.
      this.load();
      return;
    }
    const data = update.message.data;
    if (!isGatewayHealthData(data)) {
      return;
    }
    this.health.update((current) => ({
      ...current,
      [data.gatewayId]: applyStreamHealth(current[data.gatewayId], data),
    }));
  }
}
