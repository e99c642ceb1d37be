import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { statusTone } from '../format/ops-format';

/** An operations status (health, alert state or severity) as a coloured pill. */
@Component({
  selector: 'app-ops-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge badge-{{ tone() }}" [attr.data-status]="status()">{{ label() }}</span>`,
})
export class OpsBadge {
  readonly status = input.required<string>();
  protected readonly tone = computed(() => statusTone(this.status()));
  protected readonly label = computed(() => this.status().replace(/_/g, ' '));
}
