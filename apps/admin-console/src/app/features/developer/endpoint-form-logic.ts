import type { ApiError } from '../../core/errors/api-error';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types';

/** Adds or removes an event type, keeping the API.md §8 order so the request reads the same every time. */
export function toggleEvent(events: readonly string[], type: string): string[] {
  const next = events.includes(type) ? events.filter((e) => e !== type) : [...events, type];
  return WEBHOOK_EVENT_TYPES.filter((t) => next.includes(t));
}

/**
 * The API's message for a form field, when the API blamed it. `param` may name an element (`events[2]`), which
 * belongs to the field it is in.
 */
export function fieldErrorOf(error: ApiError | null, field: string): string | null {
  const param = error?.param;
  if (!param) {
    return null;
  }
  return param === field || param.startsWith(`${field}[`) || param.startsWith(`${field}.`) ? error.message : null;
}
