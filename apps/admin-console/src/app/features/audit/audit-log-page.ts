import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
} from '@angular/forms';
import type { AuditLogQuery, AuditLogView, ListResponse } from '@lsp/contracts';
import { ActivatedRoute } from '@angular/router';
import { EMPTY, Subject, catchError, finalize, switchMap, tap } from 'rxjs';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { CursorPager } from '../../shared/data/cursor-pager';
import { JsonDiff } from '../../shared/ui/json-diff';
import { PageState } from '../../shared/ui/page-state';
import { Pager } from '../../shared/ui/pager';
import { AuditApiService } from './audit-api.service';

type AuditFilters = Omit<AuditLogQuery, 'limit' | 'startingAfter'>;

/** Suggestions only; the API accepts any action name. */
const KNOWN_ACTIONS = ['merchant.create', 'merchant.update', 'merchant.suspend', 'api_key.create', 'user.create'];

@Component({
  selector: 'app-audit-log-page',
  imports: [DatePipe, ReactiveFormsModule, JsonDiff, PageState, Pager],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-log-page.html',
  styleUrl: './audit-log-page.scss',
})
export class AuditLogPage {
  private readonly api = inject(AuditApiService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly knownActions = KNOWN_ACTIONS;
  protected readonly filterForm = inject(NonNullableFormBuilder).group(
    {
      action: [''],
      objectType: [''],
      objectId: [''],
      actorId: [''],
      createdFrom: [''],
      createdTo: [''],
    },
    { validators: dateRangeValidator },
  );

  protected readonly filters = signal<AuditFilters>({});
  protected readonly hasFilters = computed(() => Object.values(this.filters()).some((value) => value !== undefined));
  protected readonly pager = new CursorPager();
  protected readonly page = signal<ListResponse<AuditLogView> | null>(null);
  protected readonly entries = computed(() => this.page()?.data ?? []);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());

  private readonly queries = new Subject<AuditLogQuery>();

  constructor() {
    this.queries
      .pipe(
        switchMap((query) => {
          this.loading.set(true);
          this.error.set(null);
          return this.api.list(query).pipe(
            tap({
              next: (page) => this.page.set(page),
              error: (error: unknown) => {
                this.page.set(null);
                this.error.set(toApiError(error));
              },
            }),
            catchError(() => EMPTY),
            finalize(() => this.loading.set(false)),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.applyLinkedFilters();
    this.load();
  }

  /** Other pages link here as `?objectType=queue&objectId=payments` to show one object's history. */
  private applyLinkedFilters(): void {
    const params = inject(ActivatedRoute).snapshot.queryParamMap;
    const linked = {
      objectType: clean(params.get('objectType') ?? ''),
      objectId: clean(params.get('objectId') ?? ''),
    };
    if (linked.objectType || linked.objectId) {
      this.filterForm.patchValue({ objectType: linked.objectType ?? '', objectId: linked.objectId ?? '' });
      this.filters.set(linked);
    }
  }

  protected load(): void {
    this.expanded.set(new Set());
    this.queries.next({
      ...this.filters(),
      startingAfter: this.pager.cursor(),
    });
  }

  protected applyFilters(): void {
    if (this.filterForm.invalid) {
      this.filterForm.markAllAsTouched();
      return;
    }
    const value = this.filterForm.getRawValue();
    this.filters.set({
      action: clean(value.action),
      objectType: clean(value.objectType),
      objectId: clean(value.objectId),
      actorId: clean(value.actorId),
      createdFrom: startOfDay(value.createdFrom),
      createdTo: endOfDay(value.createdTo),
    });
    this.pager.reset();
    this.load();
  }

  protected resetFilters(): void {
    this.filterForm.reset();
    this.filters.set({});
    this.pager.reset();
    this.load();
  }

  protected nextPage(): void {
    const items = this.entries();
    const last = items[items.length - 1];
    if (last && this.page()?.hasMore) {
      this.pager.next(last.id);
      this.load();
    }
  }

  protected previousPage(): void {
    this.pager.previous();
    this.load();
  }

  protected toggle(id: string): void {
    this.expanded.update((current) => {
      const next = new Set(current);
      if (!next.delete(id)) {
        next.add(id);
      }
      return next;
    });
  }
}

function clean(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A `yyyy-mm-dd` date input means that day in the operator's time zone. */
function startOfDay(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

function endOfDay(day: string): string | undefined {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined;
}

function dateRangeValidator(group: AbstractControl): ValidationErrors | null {
  const from: unknown = group.get('createdFrom')?.value;
  const to: unknown = group.get('createdTo')?.value;
  // ISO dates compare correctly as strings.
  return typeof from === 'string' && typeof to === 'string' && from && to && from > to ? { dateRange: true } : null;
}
