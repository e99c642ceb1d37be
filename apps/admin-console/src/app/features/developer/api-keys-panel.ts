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
import type { ApiKeyView } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NotificationService } from '../../core/notifications/notification.service';
import { ConfirmDialog } from '../../shared/ui/confirm-dialog';
import { OneTimeSecret } from '../../shared/ui/one-time-secret';
import { PageState } from '../../shared/ui/page-state';
import { StatusBadge } from '../../shared/ui/status-badge';
import { DeveloperApiService, type DeveloperScope, type RegenerateResult } from './developer-api.service';
import { graceNote } from './grace-note';

/** API keys: masked list, regenerate (new secret shown once, old key in its grace period), revoke. */
@Component({
  selector: 'app-api-keys-panel',
  imports: [DatePipe, ConfirmDialog, OneTimeSecret, PageState, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card card-pad" data-testid="api-keys-panel">
      <header class="page-header">
        <div>
          <h2 class="card-title">API keys</h2>
          <p class="page-subtitle">Your server authenticates with these. Secrets are shown once and stored hashed.</p>
        </div>
        @if (canRegenerate()) {
          <div class="toolbar">
            <select aria-label="Key mode" data-testid="api-key-mode" (change)="onMode($event)">
              <option value="test">Test key</option>
              <option value="live">Live key</option>
            </select>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="api-key-regenerate"
              (click)="askRegenerate.set(true)"
            >
              Regenerate
            </button>
          </div>
        }
      </header>

      @if (regenerated(); as result) {
        <app-one-time-secret
          [secret]="result.apiKey.secret"
          [title]="'New ' + result.apiKey.mode + ' API key'"
          [description]="graceNoteOf(result)"
          (dismissed)="regenerated.set(null)"
        />
      }

      @if (loading()) {
        <app-page-state kind="loading" message="Loading API keys…" />
      } @else if (error(); as failure) {
        <app-page-state kind="error" [message]="failure.message" [requestId]="failure.requestId" (retry)="load()" />
      } @else if (keys().length === 0) {
        <app-page-state kind="empty" message="No API keys." />
      } @else {
        <div class="table-wrap">
          <table class="data-table" data-testid="api-keys-table">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Mode</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                @if (canRevoke()) {
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                }
              </tr>
            </thead>
            <tbody>
              @for (key of keys(); track key.id) {
                <tr data-testid="api-key-row" [attr.data-key-id]="key.id">
                  <td>
                    <code data-testid="api-key-masked">{{ key.masked }}</code>
                    <div class="cell-sub">
                      <code>{{ key.id }}</code>
                    </div>
                  </td>
                  <td>{{ key.mode }}</td>
                  <td data-testid="api-key-status"><app-status-badge [status]="key.status" /></td>
                  <td class="nowrap">{{ key.createdAt | date: 'short' }}</td>
                  <td class="nowrap">{{ key.lastUsedAt ? (key.lastUsedAt | date: 'short') : 'Never' }}</td>
                  <td class="nowrap" data-testid="api-key-expires">
                    {{ key.expiresAt ? (key.expiresAt | date: 'short') : '—' }}
                  </td>
                  @if (canRevoke()) {
                    <td class="actions">
                      @if (key.status === 'active') {
                        <button
                          type="button"
                          class="btn btn-danger-outline btn-sm"
                          data-testid="api-key-revoke"
                          (click)="pendingRevoke.set(key)"
                        >
                          Revoke
                        </button>
                      }
                    </td>
                  }
                </tr>
              }
            </tbody>
          </table>
        </div>
      }
    </section>

    @if (askRegenerate()) {
      <app-confirm-dialog
        title="Regenerate the API key?"
        [message]="
          'A new ' +
          mode() +
          ' key is created and shown once. The current ' +
          mode() +
          ' key keeps working for a grace period so you can deploy the new one, then stops.'
        "
        confirmLabel="Regenerate"
        [busy]="busy()"
        (confirmed)="regenerate()"
        (cancelled)="askRegenerate.set(false)"
      />
    }
    @if (pendingRevoke(); as key) {
      <app-confirm-dialog
        title="Revoke this API key?"
        [message]="key.masked + ' stops working at once: every call made with it is refused. This cannot be undone.'"
        confirmLabel="Revoke"
        tone="danger"
        [busy]="busy()"
        (confirmed)="revoke(key)"
        (cancelled)="pendingRevoke.set(null)"
      />
    }
  `,
})
export class ApiKeysPanel {
  private readonly api = inject(DeveloperApiService);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);

  readonly scope = input.required<DeveloperScope>();
  /** Regeneration is for a merchant's own console users (API.md §9). */
  readonly canRegenerate = input(false);
  readonly canRevoke = input(false);

  protected readonly keys = signal<ApiKeyView[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly mode = signal<'test' | 'live'>('test');
  protected readonly askRegenerate = signal(false);
  protected readonly pendingRevoke = signal<ApiKeyView | null>(null);
  protected readonly busy = signal(false);
  /** Held only while the new secret is on screen. */
  protected readonly regenerated = signal<RegenerateResult | null>(null);
  protected readonly hasKeys = computed(() => this.keys().length > 0);

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
      .listApiKeys(this.scope())
      .pipe(
        finalize(() => this.loading.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (page) => this.keys.set(page.data),
        error: (error: unknown) => this.error.set(toApiError(error)),
      });
  }

  protected onMode(event: Event): void {
    this.mode.set((event.target as HTMLSelectElement).value === 'live' ? 'live' : 'test');
  }

  protected graceNoteOf(result: RegenerateResult): string {
    return graceNote(result.replaced);
  }

  protected regenerate(): void {
    if (this.busy()) {
      return;
    }
    this.busy.set(true);
    this.api
      .regenerateApiKey(this.mode())
      .pipe(
        finalize(() => {
          this.busy.set(false);
          this.askRegenerate.set(false);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (result) => {
          this.regenerated.set(result);
          this.load();
        },
        // The error interceptor has already shown the API's message and request id.
        error: () => undefined,
      });
  }

  protected revoke(key: ApiKeyView): void {
    if (this.busy()) {
      return;
    }
    this.busy.set(true);
    this.api
      .revokeApiKey(this.scope(), key.id)
      .pipe(
        finalize(() => {
          this.busy.set(false);
          this.pendingRevoke.set(null);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (revoked) => {
          this.keys.update((keys) => keys.map((k) => (k.id === revoked.id ? revoked : k)));
          this.notifications.success(`${revoked.masked} revoked.`);
        },
        error: () => undefined,
      });
  }
}
