import { HttpContext, HttpContextToken } from '@angular/common/http';

/**
 * Marks a request whose caller shows its errors inline (login form, page error states), so the error
 * interceptor does not also raise a toast.
 */
export const SILENT_ERRORS = new HttpContextToken<boolean>(() => false);

export function silentErrors(context = new HttpContext()): HttpContext {
  return context.set(SILENT_ERRORS, true);
}
