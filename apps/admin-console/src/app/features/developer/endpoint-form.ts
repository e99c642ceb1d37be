import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { WebhookEndpointWithSecret } from '@lsp/contracts';
import { finalize } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { DeveloperApiService, type DeveloperScope } from './developer-api.service';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';
import { fieldErrorOf, toggleEvent } from './endpoint-form-logic';

/** New webhook endpoint: URL, description and the event types it receives. The API's verdict on each field
 *  (https only, no private targets, too many endpoints…) is shown under that field. */
@Component({
  selector: 'app-endpoint-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card card-pad" [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="endpoint-form">
      <h3 class="card-title">New webhook endpoint</h3>
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
          {{ submitting() ? 'Creating…' : 'Create endpoint' }}
        </button>
      </div>
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
  readonly created = output<WebhookEndpointWithSecret>();
  readonly cancelled = output();

  protected readonly eventTypes = WEBHOOK_EVENT_TYPES;
  protected readonly form = this.fb.group({
    url: ['', [Validators.required, Validators.maxLength(2048)]],
    description: ['', Validators.maxLength(500)],
  });
  protected readonly events = signal<string[]>(['payment.captured', 'payment.failed']);
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);

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
    this.events.update((events) => toggleEvent(events, type));
  }

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.events().length === 0 || this.submitting()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
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
}
