import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { WebhookEndpointView, WebhookEndpointWithSecret } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { DeveloperApiService, type DeveloperScope } from './developer-api.service';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { type EndpointDraft, draftOf, endpointPatch, fieldErrorOf, toggleEvent } from './endpoint-form-logic';

/** A new webhook endpoint, or an existing one's edit (given `endpoint`): URL, description and the event types it
 *  receives. The API's verdict on each field (https only, no private targets, too many endpoints…) is shown under
 *  that field. An edit sends only what changed and never shows or touches the signing secret. */
@Component({
  selector: 'app-endpoint-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form
      class="card card-pad"
      [formGroup]="form"
      (ngSubmit)="submit()"
      novalidate
      [attr.data-testid]="editing() ? 'endpoint-edit-form' : 'endpoint-form'"
    >
      <h3 class="card-title">{{ editing() ? 'Edit webhook endpoint' : 'New webhook endpoint' }}</h3>
      @if (apiError(); as failure) {
        @if (!failure.param || !isFormField(failure.param)) {
          <div class="alert alert-error" role="alert" data-testid="endpoint-form-error">
            <p>{{ failure.message }}</p>
            @if (failure.requestId) {
              <p class="alert-meta">
                Request id <code>{{ failure.requestId }}</code>
              </p>
            }
          </div>
        }
      }
      <div class="form-grid">
        <div class="field">
          <label for="endpoint-url">URL</label>
          <input
            id="endpoint-url"
            type="url"
            formControlName="url"
            placeholder="https://example.com/webhooks/lightspeedpay"
            data-testid="endpoint-url"
            [attr.aria-invalid]="!!urlError()"
          />
          @if (urlError(); as message) {
            <p class="field-error" data-testid="endpoint-url-error">{{ message }}</p>
          }
        </div>
        <div class="field">
          <label for="endpoint-description">Description</label>
          <input
            id="endpoint-description"
            type="text"
            formControlName="description"
            maxlength="500"
            data-testid="endpoint-description"
          />
          @if (fieldError('description'); as message) {
            <p class="field-error" data-testid="endpoint-description-error">{{ message }}</p>
          }
        </div>
      </div>
      <fieldset class="field" data-testid="endpoint-events">
        <legend>Events</legend>
        @for (type of eventTypes; track type) {
          <label class="checkbox">
            <input
              type="checkbox"
              [checked]="events().includes(type)"
              [attr.data-testid]="'endpoint-event-' + type"
              (change)="toggle(type)"
            />
            <code>{{ type }}</code>
          </label>
        }
        @if (eventsError(); as message) {
          <p class="field-error" data-testid="endpoint-events-error">{{ message }}</p>
        }
      </fieldset>
      <div class="form-actions">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="endpoint-cancel"
          [disabled]="submitting()"
          (click)="cancelled.emit()"
        >
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" data-testid="endpoint-submit" [disabled]="submitting()">
          @if (editing()) {
            {{ submitting() ? 'Saving…' : 'Save changes' }}
          } @else {
            {{ submitting() ? 'Creating…' : 'Create endpoint' }}
          }
        </button>
      </div>
      @if (unchanged()) {
        <p class="muted" role="status" data-testid="endpoint-unchanged">Nothing changed: there is nothing to save.</p>
      }
    </form>
  `,
  styles: `
    fieldset {
      border: none;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.25rem;
    }
    legend {
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    .checkbox {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
    }
  `,
})
export class EndpointForm {
  private readonly api = inject(DeveloperApiService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly fb = inject(NonNullableFormBuilder);

  readonly scope = input.required<DeveloperScope>();
  /** The endpoint to edit; a new one is created when absent. */
  readonly endpoint = input<WebhookEndpointView | null>(null);
  readonly created = output<WebhookEndpointWithSecret>();
  readonly updated = output<WebhookEndpointView>();
  readonly cancelled = output();
  protected readonly editing = computed(() => this.endpoint() !== null);
  /** The edited endpoint's values when the form opened: the patch is what differs from them. */
  private original: EndpointDraft | null = null;

  protected readonly eventTypes = WEBHOOK_EVENT_TYPES;
  protected readonly form = this.fb.group({
    url: ['', [Validators.required, Validators.maxLength(2048)]],
    description: ['', Validators.maxLength(500)],
  });
  protected readonly events = signal<string[]>(['payment.captured', 'payment.failed']);
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);
  protected readonly unchanged = signal(false);

  constructor() {
    // The API's verdict was on the values it saw: once they change it no longer applies.
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
      this.apiError.set(null);
      this.unchanged.set(false);
    });
    effect(() => {
      const endpoint = this.endpoint();
      untracked(() => this.prefill(endpoint));
    });
  }

  private prefill(endpoint: WebhookEndpointView | null): void {
    if (!endpoint) {
      return;
    }
    this.original = draftOf(endpoint);
    this.form.setValue({ url: this.original.url, description: this.original.description });
    this.events.set(this.original.events);
    this.apiError.set(null);
    this.unchanged.set(false);
  }

  protected isFormField(param: string): boolean {
    return param === 'url' || param === 'description' || param.startsWith('events');
  }

  protected fieldError(field: 'url' | 'description' | 'events'): string | null {
    return fieldErrorOf(this.apiError(), field);
  }

  protected urlError(): string | null {
    const control = this.form.controls.url;
    if (control.invalid && (control.touched || this.submitted())) {
      return control.hasError('required') ? 'Enter the URL that receives the events.' : 'At most 2048 characters.';
    }
    return this.fieldError('url');
  }

  protected eventsError(): string | null {
    if (this.submitted() && this.events().length === 0) {
      return 'Pick at least one event type.';
    }
    return this.fieldError('events');
  }

  protected toggle(type: string): void {
    this.apiError.set(null);
    this.unchanged.set(false);
    this.events.update((events) => toggleEvent(events, type));
  }

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.events().length === 0 || this.submitting()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const endpoint = this.endpoint();
    if (endpoint && this.original) {
      this.save(endpoint, endpointPatch(this.original, { ...value, events: this.events() }));
      return;
    }
    const description = value.description.trim();
    this.submitting.set(true);
    this.apiError.set(null);
    this.api
      .createEndpoint(this.scope(), {
        url: value.url.trim(),
        events: this.events(),
        ...(description ? { description } : {}),
      })
      .pipe(
        finalize(() => this.submitting.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (endpoint) => this.created.emit(endpoint),
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }

  private save(endpoint: WebhookEndpointView, patch: ReturnType<typeof endpointPatch>): void {
    this.unchanged.set(patch === null);
    if (patch === null) {
      return;
    }
    this.submitting.set(true);
    this.apiError.set(null);
    this.api
      .updateEndpoint(this.scope(), endpoint.id, patch)
      .pipe(
        finalize(() => this.submitting.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (updated) => this.updated.emit(updated),
        error: (error: unknown) => this.apiError.set(toApiError(error)),
      });
  }
}
