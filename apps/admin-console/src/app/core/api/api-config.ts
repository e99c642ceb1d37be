import { InjectionToken } from '@angular/core';

/**
 * Base URL of the LightSpeedPay API. The API serves the built console from the same origin, so a relative
 * path works in production and behind the dev-server proxy alike.
 */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => '/api/v1',
});

/** Default page size for server-side paginated tables (API allows 1..100). */
export const PAGE_SIZE = 20;
