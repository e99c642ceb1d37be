import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { SseService, type StreamState } from '../../core/live/sse.service';
import { MoneyPipe } from '../../shared/format/money.pipe';
import { LiveIndicator } from '../../shared/ui/live-indicator';
import { StatusBadge } from '../../shared/ui/status-badge';
import {
  STREAM_TRUNCATED,
  TRANSACTION_EVENT_TYPES,
  type TransactionStreamEvent,
  isPaymentEvent,
} from '../transactions/transactions-live';
import { type TickerEntry, applyTickerEvent } from './ticker';

/** Payments as they happen, from the `transactions` stream: each payment one line, moved up as it changes. */
@Component({
  selector: 'app-transaction-ticker',
  imports: [DatePipe, LiveIndicator, MoneyPipe, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card card-pad" data-testid="ticker">
      <div class="ticker-head">
        <h2 class="card-title">Live transactions</h2>
        <app-live-indicator testId="ticker-live" [state]="state()" />
      </div>
      @if (entries().length === 0) {
        <p class="muted" data-testid="ticker-empty">Payments appear here as they are created and settled.</p>
      } @else {
        <ul class="ticker-list" aria-live="polite">
          @for (entry of entries(); track entry.paymentId) {
            <li class="ticker-row" data-testid="ticker-row" [attr.data-payment-id]="entry.paymentId">
              <div class="ticker-line">
                <span class="ticker-amount" data-testid="ticker-amount">{{
                  entry.amount | money: entry.currency
                }}</span>
                <app-status-badge [status]="entry.status" />
                <span class="cell-sub ticker-time">{{ entry.at | date: 'HH:mm:ss' }}</span>
              </div>
              <div class="cell-sub ticker-meta">
                {{ entry.method }} · <code>{{ entry.merchantId }}</code>
              </div>
            </li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    .ticker-head {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
    }
    .ticker-list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .ticker-row {
      padding: 0.4rem 0;
      border-bottom: 1px solid var(--color-border);
    }
    .ticker-line {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .ticker-time {
      margin-left: auto;
    }
    .ticker-meta {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .ticker-amount {
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
  `,
})
export class TransactionTicker {
  protected readonly entries = signal<TickerEntry[]>([]);
  protected readonly state = signal<StreamState>('connecting');

  constructor() {
    inject(SseService)
      .connect<TransactionStreamEvent>('transactions', [...TRANSACTION_EVENT_TYPES, STREAM_TRUNCATED])
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((message) => {
        if (message.kind === 'state') {
          this.state.set(message.state);
          return;
        }
        // A ticker shows the present: after a lossy resume it simply carries on.
        if (message.type !== STREAM_TRUNCATED && isPaymentEvent(message.data)) {
          const event = message.data;
          this.entries.update((entries) => applyTickerEvent(entries, event.data.object, event.occurredAt));
        }
      });
  }
}
