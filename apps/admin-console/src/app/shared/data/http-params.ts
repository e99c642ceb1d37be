import { HttpParams } from '@angular/common/http';

/** Query parameters from an object, leaving out empty values (the API rejects empty filters). */
export function toHttpParams(query: Record<string, string | number | undefined | null>): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params = params.set(key, String(value));
    }
  }
  return params;
}
