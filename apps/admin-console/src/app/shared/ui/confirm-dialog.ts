import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterNextRender,
  input,
  output,
  viewChild,
} from '@angular/core';

/** Modal confirmation for destructive actions. Escape or Cancel dismisses it. */
@Component({
  selector: 'app-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'cancel()' },
  template: `
    <div class="modal-backdrop"></div>
    <div
      class="modal"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      data-testid="confirm-dialog"
    >
      <h2 id="confirm-title" class="modal-title">{{ title() }}</h2>
      <p id="confirm-message">{{ message() }}</p>
      <div class="modal-actions">
        <button
          type="button"
          class="btn btn-secondary"
          [disabled]="busy()"
          data-testid="confirm-cancel"
          (click)="cancel()"
        >
          Cancel
        </button>
        <button
          #confirmButton
          type="button"
          class="btn"
          [class.btn-danger]="tone() === 'danger'"
          [class.btn-primary]="tone() !== 'danger'"
          [disabled]="busy()"
          data-testid="confirm-accept"
          (click)="confirmed.emit()"
        >
          {{ busy() ? 'Working…' : confirmLabel() }}
        </button>
      </div>
    </div>
  `,
})
export class ConfirmDialog {
  readonly title = input.required<string>();
  readonly message = input.required<string>();
  readonly confirmLabel = input('Confirm');
  readonly tone = input<'danger' | 'default'>('default');
  readonly busy = input(false);
  readonly confirmed = output();
  readonly cancelled = output();

  private readonly confirmButton = viewChild.required<ElementRef<HTMLButtonElement>>('confirmButton');

  constructor() {
    afterNextRender(() => this.confirmButton().nativeElement.focus());
  }

  protected cancel(): void {
    if (!this.busy()) {
      this.cancelled.emit();
    }
  }
}
