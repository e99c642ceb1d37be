import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { LoginRequest, RefreshRequest, Role, TokenPair, UserView } from '@lsp/contracts';
import {
  type Observable,
  catchError,
  finalize,
  firstValueFrom,
  map,
  of,
  shareReplay,
  switchMap,
  tap,
  throwError,
} from 'rxjs';
import { API_BASE_URL } from '../api/api-config';
import { ApiError, SessionExpiredError } from '../errors/api-error';
import { silentErrors } from '../errors/error-context';
import { NotificationService } from '../notifications/notification.service';
import { ROUTE_URLS } from '../routes';
import { type Permission, PERMISSIONS, hasAnyRole } from './permissions';
import { type SessionUser, SessionStore, type StoredSession } from './session-store';

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly store = inject(SessionStore);
  private readonly notifications = inject(NotificationService);
  private readonly baseUrl = inject(API_BASE_URL);

  private readonly session = signal<StoredSession | null>(this.store.read());

  readonly user = computed<SessionUser | null>(() => this.session()?.user ?? null);
  readonly isAuthenticated = computed(() => this.session() !== null);
  readonly roles = computed<readonly Role[]>(() => this.user()?.roles ?? []);

  /**
   * The one refresh in flight. Refresh tokens rotate and a reused one revokes the whole session family, so
   * concurrent 401s must share a single refresh call rather than each spending the same refresh token.
   */
  private refreshInFlight: Observable<string> | null = null;

  accessToken(): string | null {
    return this.session()?.accessToken ?? null;
  }

  hasAnyRole(allowed: readonly Role[]): boolean {
    return hasAnyRole(this.roles(), allowed);
  }

  can(permission: Permission): boolean {
    return this.hasAnyRole(PERMISSIONS[permission]);
  }

  login(email: string, password: string): Observable<SessionUser> {
    const body: LoginRequest = { email, password };
    return this.http
      .post<TokenPair>(`${this.baseUrl}/auth/login`, body, {
        context: silentErrors(),
      })
      .pipe(
        tap((pair) => this.startSession(pair)),
        map((pair) => pair.user),
      );
  }

  /** Returns the new access token; concurrent callers share one request. */
  refreshAccessToken(): Observable<string> {
    if (this.refreshInFlight) {
      return this.refreshInFlight;
    }
    const refreshToken = this.session()?.refreshToken;
    if (!refreshToken) {
      return throwError(() => new SessionExpiredError());
    }
    const body: RefreshRequest = { refreshToken };
    this.refreshInFlight = this.http
      .post<TokenPair>(`${this.baseUrl}/auth/refresh`, body, {
        context: silentErrors(),
      })
      .pipe(
        map((pair) => {
          // Signed out (or expired) while the refresh was in flight: do not resurrect the session.
          if (this.session()?.refreshToken !== refreshToken) {
            throw new SessionExpiredError();
          }
          this.startSession(pair);
          return pair.accessToken;
        }),
        finalize(() => {
          this.refreshInFlight = null;
        }),
        shareReplay({ bufferSize: 1, refCount: false }),
      );
    return this.refreshInFlight;
  }

  /** The signed-in user as the API sees them now. */
  me(): Observable<UserView> {
    return this.http.get<UserView>(`${this.baseUrl}/auth/me`, { context: silentErrors() }).pipe(
      tap((user) => {
        const session = this.session();
        if (session) {
          this.setSession({
            ...session,
            user: {
              id: user.id,
              email: user.email,
              roles: user.roles,
              merchantId: user.merchantId,
            },
          });
        }
      }),
    );
  }

  /**
   * Run once at start-up: checks a session restored from sessionStorage against the API. `/auth/me` is an
   * auth route the interceptor never refreshes for, so an expired access token is renewed here.
   */
  async restore(): Promise<void> {
    if (!this.session()) {
      return;
    }
    const validated$ = this.me().pipe(
      catchError((error: unknown) =>
        isUnauthorized(error) ? this.refreshAccessToken().pipe(switchMap(() => this.me())) : throwError(() => error),
      ),
      map(() => undefined),
      catchError((error: unknown) => {
        // A rejected session is dropped; an unreachable API keeps it (pages will show the outage).
        if (isUnauthorized(error) || error instanceof SessionExpiredError) {
          this.clearSession();
        }
        return of(undefined);
      }),
    );
    await firstValueFrom(validated$);
  }

  /** User-initiated sign out: revoke the refresh token (best effort) and go to the login page. */
  logout(): void {
    const refreshToken = this.session()?.refreshToken;
    if (refreshToken) {
      const body: RefreshRequest = { refreshToken };
      // Subscribed before the session is cleared, so the interceptor still attaches the access token.
      this.http
        .post<void>(`${this.baseUrl}/auth/logout`, body, {
          context: silentErrors(),
        })
        .subscribe({ error: () => undefined });
    }
    this.clearSession();
    void this.router.navigateByUrl(ROUTE_URLS.login);
  }

  /** The refresh token was refused: the session is over. */
  expireSession(): void {
    const returnUrl = this.router.url;
    const wasSignedIn = this.session() !== null;
    this.clearSession();
    if (wasSignedIn) {
      this.notifications.info(new SessionExpiredError().message);
    }
    void this.router.navigate([ROUTE_URLS.login], {
      queryParams: returnUrl && returnUrl !== '/' && !returnUrl.startsWith(ROUTE_URLS.login) ? { returnUrl } : {},
    });
  }

  private startSession(pair: TokenPair): void {
    this.setSession({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      accessTokenExpiresAt: Date.now() + pair.expiresIn * 1000,
      user: pair.user,
    });
  }

  private setSession(session: StoredSession): void {
    this.store.write(session);
    this.session.set(session);
  }

  private clearSession(): void {
    this.refreshInFlight = null;
    this.store.clear();
    this.session.set(null);
  }
}

function isUnauthorized(error: unknown): boolean {
  return (error instanceof ApiError || error instanceof HttpErrorResponse) && error.status === 401;
}
