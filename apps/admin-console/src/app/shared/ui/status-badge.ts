import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const TONES: Record<string, string> = {
  // Merchants
  active: 'success',
  suspended: 'danger',
  // Payments and attempts
  captured: 'success',
  succeeded: 'success',
  pending: 'warning',
  created: 'warning',
  unknown: 'warning',
  failed: 'danger',
  failed_permanent: 'danger',
  failed_retryable: 'warning',
  partially_refunded: 'info',
  refunded: 'info',
  // Gateways: health, circuit breaker, switch
  healthy: 'success',
  degraded: 'warning',
  down: 'danger',
  closed: 'success',
  half_open: 'warning',
  open: 'danger',
  enabled: 'success',
  disabled: 'neutral',
  // Settlements and settlement runs
  paid: 'success',
  processing: 'warning',
  requested: 'warning',
  running: 'warning',
  completed: 'success',
  // API keys
  revoked: 'danger',
};

/** A status as a coloured pill; `partially_refunded` reads "partially refunded". */
@Component({
  selector: 'app-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge badge-{{ tone() }}" [attr.data-status]="status()">{{ label() }}</span>`,
})
export class StatusBadge {
  readonly status = input.required<string>();
  protected readonly tone = computed(() => TONES[this.status()] ?? 'neutral');
  protected readonly label = computed(() => this.status().replace(/_/g, ' '));
}
