import { ChangeDetectionStrategy, Component, type ElementRef, input, output, signal, viewChild } from '@angular/core';

/**
 * Shows a secret the API returns exactly once (it keeps only a hash). The warning is deliberately loud:
 * after this panel is dismissed the secret cannot be recovered, only regenerated.
 */
@Component({
  selector: 'app-one-time-secret',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="secret-panel" role="region" [attr.aria-label]="title()" data-testid="one-time-secret">
      <h2 class="secret-title">{{ title() }}</h2>
      <p class="secret-warning" data-testid="one-time-secret-warning">
        <strong>Copy this secret now — you will not see it again.</strong>
        {{ description() }}
      </p>
      <div class="secret-row">
        <input
          #secretInput
          class="secret-value"
          type="text"
          readonly
          [value]="secret()"
          aria-label="Secret"
          data-testid="one-time-secret-value"
          (focus)="secretInput.select()"
        />
        <button type="button" class="btn btn-primary" data-testid="one-time-secret-copy" (click)="copy()">
          {{ copyLabel() }}
        </button>
      </div>
      <div class="secret-actions">
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          data-testid="one-time-secret-dismiss"
          (click)="dismissed.emit()"
        >
          I have stored it safely
        </button>
      </div>
    </section>
  `,
})
export class OneTimeSecret {
  readonly secret = input.required<string>();
  readonly title = input('Your new secret');
  readonly description = input('');
  readonly dismissed = output();

  protected readonly copyLabel = signal('Copy');
  private readonly secretInput = viewChild.required<ElementRef<HTMLInputElement>>('secretInput');

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.secret());
      this.copyLabel.set('Copied ✓');
    } catch {
      // Clipboard API unavailable (insecure context, denied permission): fall back to a selection copy.
      const field = this.secretInput().nativeElement;
      field.focus();
      field.select();
      const copied = document.execCommand?.('copy') ?? false;
      this.copyLabel.set(copied ? 'Copied ✓' : 'Press Ctrl+C to copy');
    }
  }
}
