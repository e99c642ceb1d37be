import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { WebhookEndpointView, WebhookEndpointWithSecret, WebhookTestResult } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { OneTimeSecret } from '../../shared/ui/one-time-secret';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { DeveloperApiService, type DeveloperScope } from './developer-api.service';
import { EndpointForm } from './endpoint-form';
import { localInputToIso, toLocalInput } from './event-filters';
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { WebhookTestResultView } from './webhook-test-result';

type PendingAction = { kind: 'rotate' | 'delete' | 'disable'; endpoint: WebhookEndpointView };

interface ShownSecret {
  title: string;
  secret: string;
  description: string;
}

const DAY_MS = 86_400_000;

const DISABLED_REASONS: Record<string, string> = {
  manual: 'disabled by you',
  gone: 'the receiver answered 410 Gone',
  failing: 'failing for 5 days',
};

/**
 * Webhook endpoints: create, edit (URL, events, description), rotate secret, enable/disable, delete, and send a
 * test event with its live result.
 */
@Component({
  selector: 'app-webhook-endpoints-panel',
  imports: [DatePipe, ConfirmDialog, EndpointForm, OneTimeSecret, PageState, StatusBadge, WebhookTestResultView],
  // A long URL wraps and the six actions wrap onto a second line, so the table fits the page instead of scrolling
  // sideways and hiding the URL.
  styles: `
    .endpoint-url {
      overflow-wrap: anywhere;
      min-width: 12rem;
    }
    .action-buttons {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: 0.35rem;
      min-width: 14rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card card-pad" data-testid="endpoints-panel">
      <header class="page-header">
        <div>
          <h2 class="card-title">Webhook endpoints</h2>
          <p class="page-subtitle">
            Signed (Standard Webhooks) POSTs of the events each endpoint subscribes to, retried until a 2xx.
          </p>
        </div>
        @if (canManage() && !showCreate()) {
          <button type="button" class="btn btn-primary" data-testid="endpoint-create-open" (click)="openCreate()">
            Add endpoint
          </button>
        }
      </header>

      @if (secret(); as shown) {
        <app-one-time-secret
          [secret]="shown.secret"
          [title]="shown.title"
          [description]="shown.description"
          (dismissed)="secret.set(null)"
        />
      }
      @if (showCreate()) {
        <app-endpoint-form [scope]="scope()" (created)="onCreated($event)" (cancelled)="showCreate.set(false)" />
      }
      @if (editedEndpoint(); as endpoint) {
        <app-endpoint-form
          [scope]="scope()"
          [endpoint]="endpoint"
          (updated)="onUpdated($event)"
          (cancelled)="editing.set(null)"
        />
      }

      @if (loading()) {
        <app-page-state kind="loading" message="Loading endpoints…" />
      } @else if (error(); as failure) {
        <app-page-state kind="error" [message]="failure.message" [requestId]="failure.requestId" (retry)="load()" />
      } @else if (endpoints().length === 0) {
        <app-page-state kind="empty" message="No webhook endpoints yet." />
      } @else {
        <div class="table-wrap">
          <table class="data-table" data-testid="endpoints-table">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (endpoint of endpoints(); track endpoint.id) {
                <tr data-testid="endpoint-row" [attr.data-endpoint-id]="endpoint.id">
                  <td>
                    <div class="cell-title endpoint-url" data-testid="endpoint-row-url">{{ endpoint.url }}</div>
                    <div class="cell-sub">
                      <code>{{ endpoint.id }}</code>
                      @if (endpoint.description) {
                        · {{ endpoint.description }}
                      }
                    </div>
                  </td>
                  <td>
                    @for (type of endpoint.events; track type) {
                      <div>
                        <code>{{ type }}</code>
                      </div>
                    }
                  </td>
                  <td data-testid="endpoint-status">
                    <app-status-badge [status]="endpoint.status" />
                    @if (endpoint.disabledReason) {
                      <div class="cell-sub">{{ disabledReason(endpoint) }}</div>
                    }
                    @if (endpoint.failingSince) {
                      <div class="cell-sub">failing since {{ endpoint.failingSince | date: 'medium' }}</div>
                    }
                    @if (endpoint.previousSecretExpiresAt) {
                      <div class="cell-sub">
                        old secret signs until {{ endpoint.previousSecretExpiresAt | date: 'medium' }}
                      </div>
                    }
                  </td>
                  <td class="nowrap">{{ endpoint.createdAt | date: 'medium' }}</td>
                  <td class="actions">
                    <div class="action-buttons">
                      @if (canTest()) {
                        <button
                          type="button"
                          class="btn btn-secondary btn-sm"
                          data-testid="endpoint-test"
                          [disabled]="testing() === endpoint.id"
                          (click)="sendTest(endpoint)"
                        >
                          {{ testing() === endpoint.id ? 'Sending…' : 'Send test event' }}
                        </button>
                      }
                      @if (canManage()) {
                        <button
                          type="button"
                          class="btn btn-secondary btn-sm"
                          data-testid="endpoint-edit"
                          [attr.aria-expanded]="editing() === endpoint.id"
                          (click)="openEdit(endpoint)"
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          class="btn btn-secondary btn-sm"
                          data-testid="endpoint-rotate"
                          (click)="pending.set({ kind: 'rotate', endpoint })"
                        >
                          Rotate secret
                        </button>
                        @if (endpoint.status === 'enabled') {
                          <button
                            type="button"
                            class="btn btn-secondary btn-sm"
                            data-testid="endpoint-disable"
                            (click)="pending.set({ kind: 'disable', endpoint })"
                          >
                            Disable
                          </button>
                        } @else {
                          <button
                            type="button"
                            class="btn btn-secondary btn-sm"
                            data-testid="endpoint-enable"
                            (click)="setStatus(endpoint, 'enabled')"
                          >
                            Enable
                          </button>
                        }
                        <button
                          type="button"
                          class="btn btn-secondary btn-sm"
                          data-testid="endpoint-redeliver-failed-open"
                          (click)="openRedeliverFailed(endpoint)"
                        >
                          Redeliver failed…
                        </button>
                        <button
                          type="button"
                          class="btn btn-danger-outline btn-sm"
                          data-testid="endpoint-delete"
                          (click)="pending.set({ kind: 'delete', endpoint })"
                        >
                          Delete
                        </button>
                      }
                    </div>
                  </td>
                </tr>
                @if (redeliverFailedFor() === endpoint.id) {
                  <tr>
                    <td colspan="5">
                      <form
                        class="toolbar"
                        data-testid="endpoint-redeliver-failed"
                        (submit)="$event.preventDefault(); redeliverFailed(endpoint, since.value)"
                      >
                        <div class="field field-inline">
                          <label [for]="'since-' + endpoint.id">Failed deliveries of events since</label>
                          <input
                            #since
                            type="datetime-local"
                            [id]="'since-' + endpoint.id"
                            [value]="defaultSince()"
                            data-testid="endpoint-redeliver-failed-since"
                          />
                        </div>
                        <button
                          type="submit"
                          class="btn btn-primary btn-sm"
                          [disabled]="busy()"
                          data-testid="endpoint-redeliver-failed-submit"
                        >
                          Redeliver
                        </button>
                        <button type="button" class="btn btn-secondary btn-sm" (click)="redeliverFailedFor.set(null)">
                          Cancel
                        </button>
                      </form>
                    </td>
                  </tr>
                }
                @if (testResults()[endpoint.id]; as result) {
                  <tr>
                    <td colspan="5"><app-webhook-test-result [result]="result" /></td>
                  </tr>
                }
                @if (testErrors()[endpoint.id]; as failure) {
                  <tr>
                    <td colspan="5">
                      <div class="alert alert-error" role="alert" data-testid="endpoint-test-error">
                        {{ failure.message }}
                      </div>
                    </td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
        @if (canTest()) {
          <div class="field field-inline">
            <label for="test-event-type">Test event type</label>
            <select id="test-event-type" data-testid="test-event-type" (change)="onTestType($event)">
              @for (type of testTypes; track type) {
                <option [value]="type">{{ type }}</option>
              }
            </select>
          </div>
        }
      }
    </section>

    @if (pending(); as action) {
      <app-confirm-dialog
        [title]="confirmTitle(action)"
        [message]="confirmMessage(action)"
        [confirmLabel]="confirmLabel(action)"
        [tone]="action.kind === 'rotate' ? 'default' : 'danger'"
        [busy]="busy()"
        (confirmed)="confirm(action)"
        (cancelled)="pending.set(null)"
      />
    }
  `,
})
export class WebhookEndpointsPanel {
  private readonly api = inject(DeveloperApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  readonly scope = input.required<DeveloperScope>();
  readonly canManage = input(false);
  /** The test route is the merchant's own (API.md §9). */
  readonly canTest = input(false);

  protected readonly testTypes = [TEST_EVENT_TYPE, ...WEBHOOK_EVENT_TYPES];
  protected readonly endpoints = signal<WebhookEndpointView[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly showCreate = signal(false);
  /** The endpoint whose edit form is open. */
  protected readonly editing = signal<string | null>(null);
  protected readonly editedEndpoint = computed(() => this.endpoints().find((e) => e.id === this.editing()) ?? null);
  protected readonly secret = signal<ShownSecret | null>(null);
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly busy = signal(false);
  protected readonly redeliverFailedFor = signal<string | null>(null);
  protected readonly defaultSince = signal('');
  protected readonly testType = signal<string>(TEST_EVENT_TYPE);
  protected readonly testing = signal<string | null>(null);
  protected readonly testResults = signal<Record<string, WebhookTestResult>>({});
  protected readonly testErrors = signal<Record<string, ApiError>>({});

  constructor() {
    effect(() => {
      this.scope();
      untracked(() => this.load());
    });
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.api
      .listEndpoints(this.scope())
      .pipe(
        finalize(() => this.loading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (page) => this.endpoints.set(page.data),
        error: (error: unknown) => this.error.set(toApiError(error)),
      });
  }

  protected disabledReason(endpoint: WebhookEndpointView): string {
    return DISABLED_REASONS[endpoint.disabledReason ?? ''] ?? '';
  }

  protected onCreated(endpoint: WebhookEndpointWithSecret): void {
    this.showCreate.set(false);
    this.secret.set({
      title: `Signing secret for ${endpoint.url}`,
      secret: endpoint.secret,
      description:
        'Verify each delivery with it (any Standard Webhooks library). It is stored encrypted and never shown again.',
    });
    this.notifications.success('Webhook endpoint created.');
    this.load();
  }

  /** One form at a time: creating closes an edit and the other way round. */
  protected openCreate(): void {
    this.editing.set(null);
    this.showCreate.set(true);
  }

  protected openEdit(endpoint: WebhookEndpointView): void {
    this.showCreate.set(false);
    this.editing.set(this.editing() === endpoint.id ? null : endpoint.id);
  }

  protected onUpdated(endpoint: WebhookEndpointView): void {
    this.editing.set(null);
    this.replace(endpoint);
    this.notifications.success(`Webhook endpoint ${endpoint.url} saved.`);
  }

  protected openRedeliverFailed(endpoint: WebhookEndpointView): void {
    this.defaultSince.set(toLocalInput(new Date(Date.now() - DAY_MS)));
    this.redeliverFailedFor.set(endpoint.id);
  }

  protected redeliverFailed(endpoint: WebhookEndpointView, sinceLocal: string): void {
    const since = localInputToIso(sinceLocal);
    if (!since || this.busy()) {
      return;
    }
    this.busy.set(true);
    this.api
      .redeliverFailed(this.scope(), endpoint.id, since)
      .pipe(
        finalize(() => this.busy.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => {
          this.redeliverFailedFor.set(null);
          this.notifications.success(
            result.redelivered === 0
              ? `No failed deliveries to ${endpoint.url} since then.`
              : `${result.redelivered} failed deliveries to ${endpoint.url} queued again.`,
          );
        },
        error: () => undefined,
      });
  }

  protected onTestType(event: Event): void {
    this.testType.set((event.target as HTMLSelectElement).value);
  }

  protected sendTest(endpoint: WebhookEndpointView): void {
    this.testing.set(endpoint.id);
    this.testErrors.update(({ [endpoint.id]: _dropped, ...rest }) => rest);
    this.api
      .sendTestEvent(endpoint.id, this.testType())
      .pipe(
        finalize(() => this.testing.set(null)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => this.testResults.update((results) => ({ ...results, [endpoint.id]: result })),
        error: (error: unknown) =>
          this.testErrors.update((errors) => ({ ...errors, [endpoint.id]: toApiError(error) })),
      });
  }

  protected confirmTitle(action: PendingAction): string {
    return { rotate: 'Rotate the signing secret?', delete: 'Delete this endpoint?', disable: 'Disable this endpoint?' }[
      action.kind
    ];
  }

  protected confirmLabel(action: PendingAction): string {
    return { rotate: 'Rotate', delete: 'Delete', disable: 'Disable' }[action.kind];
  }

  protected confirmMessage(action: PendingAction): string {
    const url = action.endpoint.url;
    switch (action.kind) {
      case 'rotate':
        return `A new secret for ${url} is shown once. For 24 hours deliveries carry signatures with both the old and the new secret, so you can switch your verifier without missing events.`;
      case 'disable':
        return `${url} receives nothing until it is enabled again; events in between are not retried automatically.`;
      case 'delete':
        return `${url} stops receiving events at once and its delivery history is no longer listed. This cannot be undone.`;
    }
  }

  protected confirm(action: PendingAction): void {
    if (action.kind === 'disable') {
      this.setStatus(action.endpoint, 'disabled');
      return;
    }
    this.busy.set(true);
    const done = <T>() =>
      finalize<T>(() => {
        this.busy.set(false);
        this.pending.set(null);
      });
    if (action.kind === 'rotate') {
      this.api
        .rotateSecret(this.scope(), action.endpoint.id)
        .pipe(done(), takeUntilDestroyed(this.destroyRef))
        .subscribe({
          next: (endpoint) => {
            this.secret.set({
              title: `New signing secret for ${endpoint.url}`,
              secret: endpoint.secret,
              description: 'The previous secret keeps signing beside this one for 24 hours, then stops.',
            });
            this.replace(endpoint);
          },
          error: () => undefined,
        });
      return;
    }
    this.api
      .deleteEndpoint(this.scope(), action.endpoint.id)
      .pipe(done(), takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: () => {
          this.endpoints.update((endpoints) => endpoints.filter((e) => e.id !== action.endpoint.id));
          this.notifications.success('Webhook endpoint deleted.');
        },
        error: () => undefined,
      });
  }

  protected setStatus(endpoint: WebhookEndpointView, status: WebhookEndpointView['status']): void {
    this.busy.set(true);
    this.api
      .setEndpointStatus(this.scope(), endpoint.id, status)
      .pipe(
        finalize(() => {
          this.busy.set(false);
          this.pending.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => {
          this.replace(updated);
          this.notifications.success(`${updated.url} ${updated.status}.`);
        },
        error: () => undefined,
      });
  }

  private replace(updated: WebhookEndpointView): void {
    // The rotate response carries the secret: keep it out of the list's state.
    const { secret: _secret, ...view } = updated as WebhookEndpointWithSecret;
    this.endpoints.update((endpoints) => endpoints.map((e) => (e.id === view.id ? view : e)));
  }
}
