import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** The loading, empty and error placeholders every page shows in place of its content. */
@Component({
  selector: 'app-page-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="page-state page-state-{{ kind() }}"
      [attr.role]="kind() === 'error' ? 'alert' : 'status'"
      [attr.data-testid]="'state-' + kind()"
    >
      @switch (kind()) {
        @case ('loading') {
          <span class="spinner" aria-hidden="true"></span>
          <p>{{ message() || 'Loading…' }}</p>
        }
        @case ('empty') {
          <p class="page-state-title">{{ message() || 'Nothing here yet.' }}</p>
          <ng-content />
        }
        @case ('error') {
          <p class="page-state-title">
            {{ message() || 'Something went wrong.' }}
          </p>
          @if (requestId()) {
            <p class="muted">
              Request id
              <code data-testid="state-request-id">{{ requestId() }}</code>
            </p>
          }
          <button type="button" class="btn btn-secondary btn-sm" data-testid="state-retry" (click)="retry.emit()">
            Try again
          </button>
        }
      }
    </div>
  `,
})
export class PageState {
  readonly kind = input.required<'loading' | 'empty' | 'error'>();
  readonly message = input<string>('');
  readonly requestId = input<string | null>(null);
  readonly retry = output();
}
