import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { WebhookTestResult } from '@lsp/contracts';

/** What the receiver answered to a test event: status, latency, the first bytes of its body or the error class. */
@Component({
  selector: 'app-webhook-test-result',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="alert"
      [class.alert-error]="!result().ok"
      [class.alert-success]="result().ok"
      role="status"
      data-testid="endpoint-test-result"
      [attr.data-ok]="result().ok"
    >
      <p>
        <strong data-testid="endpoint-test-outcome">{{ result().ok ? 'Delivered' : 'Failed' }}</strong>
        · <code>{{ result().eventType }}</code> · <code>{{ result().eventId }}</code> · status
        <strong data-testid="endpoint-test-status">{{ result().status ?? 'none' }}</strong>
        · <span data-testid="endpoint-test-latency">{{ result().latencyMs }} ms</span>
        @if (result().errorClass) {
          · error <code data-testid="endpoint-test-error-class">{{ result().errorClass }}</code>
        }
      </p>
      @if (result().responseExcerpt) {
        <pre class="excerpt" data-testid="endpoint-test-body">{{ result().responseExcerpt }}</pre>
      }
    </div>
  `,
  styles: `
    .alert-success {
      background: #e8f5ee;
      border: 1px solid #9fd3b4;
      color: #114d2a;
    }
    .excerpt {
      white-space: pre-wrap;
      word-break: break-all;
      max-height: 10rem;
      overflow: auto;
      margin: 0.25rem 0 0;
      font-size: 0.8rem;
    }
  `,
})
export class WebhookTestResultView {
  readonly result = input.required<WebhookTestResult>();
}
