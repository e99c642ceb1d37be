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
import type { ListResponse, WebhookDeliveryView, WebhookEventView } from '@lsp/contracts';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { CursorPager } from '../../shared/data/cursor-pager';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { StatusBadge } from '../../shared/ui/status-badge';
import { DeveloperApiService, type DeveloperScope, type EventListQuery } from './developer-api.service';
import { localInputToIso } from './event-filters';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';

interface OpenEvent {
  eventId: string;
  loading: boolean;
  error: ApiError | null;
  deliveries: WebhookDeliveryView[];
}

/** The merchant's events with, per event, each endpoint's delivery and every attempt; redeliver on demand. */
@Component({
  selector: 'app-event-log-panel',
  imports: [DatePipe, PageState, Pager, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card card-pad" data-testid="event-log-panel">
      <h2 class="card-title">Event log</h2>
      <form class="toolbar" (submit)="$event.preventDefault(); apply()" data-testid="event-filters">
        <div class="field field-inline">
          <label for="event-type-filter">Type</label>
          <select id="event-type-filter" data-testid="event-filter-type" #type (change)="typeFilter.set(type.value)">
            <option value="">All</option>
            @for (t of eventTypes; track t) {
              <option [value]="t">{{ t }}</option>
            }
          </select>
        </div>
        <div class="field field-inline">
          <label for="event-from-filter">From</label>
          <input
            id="event-from-filter"
            type="datetime-local"
            data-testid="event-filter-from"
            #from
            (change)="fromFilter.set(from.value)"
          />
        </div>
        <div class="field field-inline">
          <label for="event-to-filter">To</label>
          <input
            id="event-to-filter"
            type="datetime-local"
            data-testid="event-filter-to"
            #to
            (change)="toFilter.set(to.value)"
          />
        </div>
        <button type="submit" class="btn btn-secondary btn-sm" data-testid="event-filter-apply" [disabled]="loading()">
          Apply
        </button>
      </form>

      @if (loading()) {
        <app-page-state kind="loading" message="Loading events…" />
      } @else if (error(); as failure) {
        <app-page-state kind="error" [message]="failure.message" [requestId]="failure.requestId" (retry)="load()" />
      } @else if (events().length === 0) {
        <app-page-state kind="empty" message="No events match." />
      } @else {
        <div class="table-wrap">
          <table class="data-table" data-testid="events-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col">Created</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (event of events(); track event.id) {
                <tr data-testid="event-row" [attr.data-event-id]="event.id">
                  <td>
                    <code>{{ event.id }}</code>
                  </td>
                  <td>
                    <code>{{ event.type }}</code>
                  </td>
                  <td class="nowrap">{{ event.createdAt | date: 'medium' }}</td>
                  <td class="actions">
                    <button
                      type="button"
                      class="btn btn-secondary btn-sm"
                      data-testid="event-deliveries"
                      (click)="toggle(event)"
                    >
                      {{ open()?.eventId === event.id ? 'Hide deliveries' : 'Deliveries' }}
                    </button>
                    @if (canRedeliver()) {
                      <button
                        type="button"
                        class="btn btn-secondary btn-sm"
                        data-testid="event-redeliver"
                        [disabled]="redelivering()"
                        (click)="redeliver(event.id)"
                      >
                        Redeliver
                      </button>
                    }
                  </td>
                </tr>
                @if (open(); as detail) {
                  @if (detail.eventId === event.id) {
                    <tr>
                      <td colspan="4" data-testid="event-detail">
                        @if (detail.loading) {
                          <app-page-state kind="loading" message="Loading deliveries…" />
                        } @else if (detail.error; as failure) {
                          <app-page-state
                            kind="error"
                            [message]="failure.message"
                            [requestId]="failure.requestId"
                            (retry)="loadDeliveries(event.id)"
                          />
                        } @else if (detail.deliveries.length === 0) {
                          <p class="muted">No endpoint was subscribed to this event when it happened.</p>
                        } @else {
                          @for (delivery of detail.deliveries; track delivery.id) {
                            <div class="delivery" data-testid="delivery" [attr.data-endpoint-id]="delivery.endpointId">
                              <p>
                                <app-status-badge [status]="delivery.status" /> to <strong>{{ delivery.url }}</strong> ·
                                {{ delivery.attemptCount }} attempt(s)
                                @if (delivery.nextAttemptAt) {
                                  · next at {{ delivery.nextAttemptAt | date: 'medium' }}
                                }
                                @if (canRedeliver()) {
                                  <button
                                    type="button"
                                    class="btn btn-secondary btn-sm"
                                    data-testid="delivery-redeliver"
                                    [disabled]="redelivering()"
                                    (click)="redeliver(event.id, delivery.endpointId)"
                                  >
                                    Redeliver to this endpoint
                                  </button>
                                }
                              </p>
                              <table class="data-table" data-testid="attempts-table">
                                <thead>
                                  <tr>
                                    <th scope="col" class="num">#</th>
                                    <th scope="col">At</th>
                                    <th scope="col">Outcome</th>
                                    <th scope="col" class="num">Status</th>
                                    <th scope="col" class="num">Latency</th>
                                    <th scope="col">Error class</th>
                                    <th scope="col">Response excerpt</th>
                                  </tr>
                                </thead>
                                <tbody>
                                  @for (attempt of delivery.attempts; track attempt.id) {
                                    <tr data-testid="attempt-row">
                                      <td class="num">{{ attempt.attempt }}</td>
                                      <td class="nowrap">{{ attempt.at | date: 'medium' }}</td>
                                      <td><app-status-badge [status]="attempt.outcome" /></td>
                                      <td class="num" data-testid="attempt-status">
                                        {{ attempt.responseStatus ?? '—' }}
                                      </td>
                                      <td class="num">{{ attempt.latencyMs }} ms</td>
                                      <td>
                                        <code>{{ attempt.errorClass ?? '' }}</code>
                                      </td>
                                      <td>
                                        <code class="excerpt">{{ attempt.responseExcerpt ?? '' }}</code>
                                      </td>
                                    </tr>
                                  }
                                </tbody>
                              </table>
                            </div>
                          }
                        }
                      </td>
                    </tr>
                  }
                }
              }
            </tbody>
          </table>
        </div>
      }
      <app-pager
        testIdPrefix="events"
        [pageNumber]="pager.pageNumber()"
        [hasPrevious]="pager.hasPrevious()"
        [hasNext]="page()?.hasMore ?? false"
        [disabled]="loading()"
        (previous)="previousPage()"
        (next)="nextPage()"
      />
    </section>
  `,
  styles: `
    .delivery {
      margin-bottom: 1rem;
    }
    .excerpt {
      white-space: pre-wrap;
      word-break: break-all;
      font-size: 0.75rem;
    }
  `,
})
export class EventLogPanel {
  private readonly api = inject(DeveloperApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  readonly scope = input.required<DeveloperScope>();
  readonly canRedeliver = input(false);

  protected readonly eventTypes = WEBHOOK_EVENT_TYPES;
  protected readonly typeFilter = signal('');
  protected readonly fromFilter = signal('');
  protected readonly toFilter = signal('');
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<WebhookEventView> | null>(null);
  protected readonly events = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly open = signal<OpenEvent | null>(null);
  protected readonly redelivering = signal(false);

  /** switchMap: a newer query cancels the older one, so a stale page never wins. */
  private readonly queries = new Subject<EventListQuery>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.listEvents(this.scope(), query).pipe(
            tap({
              next: (page) => this.page.set(page),
              error: (error: unknown) => {
                this.page.set(null);
                this.error.set(toApiError(error));
              },
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    effect(() => {
      this.scope();
      // Only a change of merchant reloads by itself; filters apply on submit.
      untracked(() => {
        this.pager.reset();
        this.open.set(null);
        this.load();
      });
    });
  }

  protected load(): void {
    this.queries.next({
      type: this.typeFilter() || undefined,
      createdFrom: localInputToIso(this.fromFilter()),
      createdTo: localInputToIso(this.toFilter()),
      startingAfter: this.pager.cursor(),
    });
  }

  protected apply(): void {
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const items = this.events();
    const last = items[items.length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected toggle(event: WebhookEventView): void {
    if (this.open()?.eventId === event.id) {
      this.open.set(null);
      return;
    }
    this.loadDeliveries(event.id);
  }

  protected loadDeliveries(eventId: string): void {
    this.open.set({ eventId, loading: true, error: null, deliveries: [] });
    this.api
      .deliveriesOf(this.scope(), eventId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => this.updateOpen(eventId, { loading: false, deliveries: page.data }),
        error: (error: unknown) => this.updateOpen(eventId, { loading: false, error: toApiError(error) }),
      });
  }

  protected redeliver(eventId: string, endpointId?: string): void {
    this.redelivering.set(true);
    this.api
      .redeliver(this.scope(), eventId, endpointId)
      .pipe(
        finalize(() => this.redelivering.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => {
          this.notifications.success(
            `Redelivery queued for ${result.redelivered} endpoint(s)` +
              (result.skipped ? `; ${result.skipped} skipped (endpoint disabled).` : '.'),
          );
          if (this.open()?.eventId === eventId) {
            this.loadDeliveries(eventId);
          }
        },
        error: () => undefined,
      });
  }

  private updateOpen(eventId: string, patch: Partial<OpenEvent>): void {
    this.open.update((open) => (open?.eventId === eventId ? { ...open, ...patch } : open));
  }
}
