import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { LIVE_LABELS } from '../../core/live/operations-stream';
import type { StreamState } from '../../core/live/sse.service';

/** Whether a page's live stream is connected: a green dot while updates flow, amber/red while they do not. */
@Component({
  selector: 'app-live-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="live-indicator live-{{ state() }}"
    role="status"
    [attr.data-testid]="testId()"
    [attr.data-state]="state()"
    [attr.title]="
      state() === 'open' ? 'Updates arrive as they happen' : 'Live updates paused; they resume by themselves'
    "
    ><span class="live-dot" aria-hidden="true"></span>{{ label() }}</span
  >`,
  styles: `
    .live-indicator {
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
      font-size: 0.85rem;
      color: var(--color-muted);
      white-space: nowrap;
    }
    .live-dot {
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: var(--color-warning);
    }
    .live-open {
      color: var(--color-success);
    }
    .live-open .live-dot {
      background: var(--color-success);
      box-shadow: 0 0 0 3px var(--color-success-soft);
    }
    .live-reconnecting .live-dot {
      background: var(--color-danger);
    }
  `,
})
export class LiveIndicator {
  readonly state = input.required<StreamState>();
  readonly testId = input('live-indicator');
  protected readonly label = computed(() => LIVE_LABELS[this.state()]);
}
