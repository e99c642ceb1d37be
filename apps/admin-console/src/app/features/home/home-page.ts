import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { UserView } from '@lsp/contracts';
import { AuthService } from '../../core/auth/auth.service';
import { type ApiError, toApiError } from '../../core/errors/api-error';
import { NAV_ITEMS } from '../../core/layout/nav-items';
import { PageState } from '../../shared/ui/page-state';

/** Who am I: the signed-in user as the API sees them, and where they can go from here. */
@Component({
  selector: 'app-home-page',
  imports: [DatePipe, RouterLink, PageState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './home-page.html',
})
export class HomePage {
  private readonly auth = inject(AuthService);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly profile = signal<UserView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly destinations = computed(() =>
    NAV_ITEMS.filter((item) => item.permission !== 'viewOverview' && this.auth.can(item.permission)),
  );

  constructor() {
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.error.set(null);
    this.auth
      .me()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (user) => {
          this.profile.set(user);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          this.error.set(toApiError(error));
          this.loading.set(false);
        },
      });
  }
}
