import { computed, signal } from '@angular/core';

/**
 * Cursor pagination state for `?startingAfter=` lists. The API only moves forward, so the cursors of the
 * pages already visited are kept in a stack: Next pushes the last id shown, Previous pops back.
 */
export class CursorPager {
  private readonly stack = signal<readonly string[]>([]);

  /** `startingAfter` for the current page; undefined on the first page. */
  readonly cursor = computed<string | undefined>(() => {
    const stack = this.stack();
    return stack[stack.length - 1];
  });
  readonly pageNumber = computed(() => this.stack().length + 1);
  readonly hasPrevious = computed(() => this.stack().length > 0);

  next(lastIdOnPage: string): void {
    this.stack.update((stack) => [...stack, lastIdOnPage]);
  }

  previous(): void {
    this.stack.update((stack) => stack.slice(0, -1));
  }

  reset(): void {
    this.stack.set([]);
  }
}
