import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** Previous/Next controls for cursor pagination (no page count: the API only says whether more exist). */
@Component({
  selector: 'app-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="pager" aria-label="Pagination">
      <span class="muted" [attr.data-testid]="testIdPrefix() + '-page'">Page {{ pageNumber() }}</span>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        [disabled]="disabled() || !hasPrevious()"
        [attr.data-testid]="testIdPrefix() + '-previous'"
        (click)="previous.emit()"
      >
        ← Previous
      </button>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        [disabled]="disabled() || !hasNext()"
        [attr.data-testid]="testIdPrefix() + '-next'"
        (click)="next.emit()"
      >
        Next →
      </button>
    </nav>
  `,
})
export class Pager {
  readonly pageNumber = input.required<number>();
  readonly hasPrevious = input.required<boolean>();
  readonly hasNext = input.required<boolean>();
  readonly disabled = input(false);
  readonly testIdPrefix = input('pager');
  readonly previous = output();
  readonly next = output();
}
