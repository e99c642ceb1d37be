import { inject } from '@angular/core';
import { type CanMatchFn, Router, type UrlSegment } from '@angular/router';
import type { Role } from '@lsp/contracts';
import { NotificationService } from '../notifications/notification.service';
import { ROUTE_URLS } from '../routes';
import { AuthService } from './auth.service';

function loginRedirect(segments: UrlSegment[]) {
  const router = inject(Router);
  const attempted = '/' + segments.map((segment) => segment.path).join('/');
  return router.createUrlTree([ROUTE_URLS.login], {
    queryParams: attempted === '/' ? {} : { returnUrl: attempted },
  });
}

/** Signed-in users only; others go to the login page and come back afterwards. */
export const authGuard: CanMatchFn = (_route, segments) =>
  inject(AuthService).isAuthenticated() || loginRedirect(segments);

/** The login page is for signed-out users; a signed-in user lands on home. */
export const guestGuard: CanMatchFn = () =>
  !inject(AuthService).isAuthenticated() || inject(Router).createUrlTree([ROUTE_URLS.home]);

/**
 * Only users holding one of `roles` may load the route (used as `canMatch`, so a refused feature's code is
 * never even downloaded). Others are sent to home with a notice.
 */
export function roleGuard(roles: readonly Role[]): CanMatchFn {
  return (_route, segments) => {
    const auth = inject(AuthService);
    if (!auth.isAuthenticated()) {
      return loginRedirect(segments);
    }
    if (auth.hasAnyRole(roles)) {
      return true;
    }
    inject(NotificationService).error('You do not have access to that page.');
    return inject(Router).createUrlTree([ROUTE_URLS.home]);
  };
}
