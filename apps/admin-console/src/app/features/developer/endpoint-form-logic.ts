import type { WebhookEndpointView } from '@lsp/contracts';
import type { ApiError } from '../../core/errors/api-error';
import type { UpdateEndpointRequest } from './developer-api.service';
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

/** What the endpoint form edits. */
export interface EndpointDraft {
  url: string;
  description: string;
  events: string[];
}

/** The form's starting values for an existing endpoint (events in the API.md order, like every toggle keeps them). */
export function draftOf(endpoint: Pick<WebhookEndpointView, 'url' | 'description' | 'events'>): EndpointDraft {
  return {
    url: endpoint.url,
    description: endpoint.description ?? '',
    events: WEBHOOK_EVENT_TYPES.filter((type) => endpoint.events.includes(type)),
  };
}

/**
 * The patch that turns `original` into `edited`, or null when nothing changed. Only changed fields are sent, so
 * saving a new event set never re-submits (and re-checks) an unchanged URL. Whitespace around the URL and the
 * description is not a change.
 */
export function endpointPatch(original: EndpointDraft, edited: EndpointDraft): UpdateEndpointRequest | null {
  const patch: UpdateEndpointRequest = {};
  const url = edited.url.trim();
  if (url !== original.url) {
    patch.url = url;
  }
  const description = edited.description.trim();
  if (description !== original.description.trim()) {
    patch.description = description;
  }
  const events = WEBHOOK_EVENT_TYPES.filter((type) => edited.events.includes(type));
  const before = WEBHOOK_EVENT_TYPES.filter((type) => original.events.includes(type));
  if (events.join() !== before.join()) {
    patch.events = events;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
