import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NotificationService } from './notification.service';

@Component({
  selector: 'app-toast-stack',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toast-stack" aria-live="polite">
      @for (toast of notifications.toasts(); track toast.id) {
        <div
          class="toast toast-{{ toast.kind }}"
          [attr.role]="toast.kind === 'error' ? 'alert' : 'status'"
          data-testid="toast"
          [attr.data-kind]="toast.kind"
        >
          <div class="toast-body">
            <p class="toast-message" data-testid="toast-message">
              {{ toast.message }}
            </p>
            @if (toast.requestId) {
              <p class="toast-meta">
                Request id
                <code data-testid="toast-request-id">{{ toast.requestId }}</code>
              </p>
            }
          </div>
          <button
            type="button"
            class="btn-icon"
            aria-label="Dismiss notification"
            data-testid="toast-dismiss"
            (click)="notifications.dismiss(toast.id)"
          >
            ×
          </button>
        </div>
      }
    </div>
  `,
})
export class ToastStack {
  protected readonly notifications = inject(NotificationService);
}
