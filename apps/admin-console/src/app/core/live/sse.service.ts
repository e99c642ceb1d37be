import { HttpClient } from '@angular/common/http';
import { Injectable, InjectionToken, inject } from '@angular/core';
import { Observable, type Subscription } from 'rxjs';
import { API_BASE_URL } from '../api/api-config';
import { silentErrors } from '../errors/error-context';

/** `POST /streams/ticket`: a single-use, short-lived credential for one `EventSource` connection. */
export interface StreamTicket {
  ticket: string;
  expiresIn: number;
}

export type StreamName =
  | 'transactions'
  | 'gateway-health'
  | 'queue-stats'
  | 'alerts'
  | 'worker-health'
  | 'system-status'
  | 'settlements';

export type StreamState = 'connecting' | 'open' | 'reconnecting';

/** What a stream subscription emits: connection state changes and the server's named events. */
export type StreamMessage<T> =
  | { kind: 'state'; state: StreamState; retryInMs?: number }
  | { kind: 'event'; id: string | null; type: string; data: T };

/** Creates the browser's EventSource; replaced by a fake in unit tests. */
export const EVENT_SOURCE_FACTORY = new InjectionToken<(url: string) => EventSource>('EVENT_SOURCE_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new EventSource(url),
});

/** Reconnect delays: 1 s, 2 s, 4 s … capped at 30 s; back to 1 s once a connection opens. */
export const SSE_BACKOFF = new InjectionToken<(failures: number) => number>('SSE_BACKOFF', {
  providedIn: 'root',
  factory: () => (failures: number) => Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1)),
});

/**
 * The console's one way to read a server-sent event stream (API.md §10).
 *
 * `EventSource` cannot send an Authorization header, so each connection first fetches a ticket through the
 * HTTP client (which adds the bearer token and renews it when needed). Tickets are single use: the browser's
 * own automatic reconnect would replay a spent ticket, so on any error the connection is closed and reopened
 * here with a fresh ticket, after a backoff. A new `EventSource` does not carry `Last-Event-ID` across such a
 * manual reconnect, so the id of the last event received is sent as `lastEventId` and the server resumes
 * after it. Unsubscribing closes the connection and cancels any pending reconnect.
 */
@Injectable({ providedIn: 'root' })
export class SseService {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);
  private readonly createEventSource = inject(EVENT_SOURCE_FACTORY);
  private readonly backoff = inject(SSE_BACKOFF);

  /** `eventTypes` are the `event:` names to listen for (EventSource only reports unnamed ones by default). */
  connect<T>(stream: StreamName, eventTypes: readonly string[]): Observable<StreamMessage<T>> {
    return new Observable<StreamMessage<T>>((subscriber) => {
      let source: EventSource | null = null;
      let ticketRequest: Subscription | null = null;
      let retryTimer: ReturnType<typeof setTimeout> | null = null;
      let lastEventId: string | null = null;
      let failures = 0;
      let stopped = false;

      const closeSource = () => {
        if (source) {
          source.onopen = null;
          source.onerror = null;
          source.close();
          source = null;
        }
      };

      const reconnectLater = () => {
        closeSource();
        if (stopped) {
          return;
        }
        failures += 1;
        const retryInMs = this.backoff(failures);
        subscriber.next({ kind: 'state', state: 'reconnecting', retryInMs });
        retryTimer = setTimeout(() => {
          retryTimer = null;
          open();
        }, retryInMs);
      };

      const onEvent = (event: Event) => {
        const message = event as MessageEvent<string>;
        if (message.lastEventId) {
          lastEventId = message.lastEventId;
        }
        let data: T;
        try {
          data = JSON.parse(message.data) as T;
        } catch {
          // A malformed frame is dropped; the stream itself is fine.
          return;
        }
        subscriber.next({ kind: 'event', id: message.lastEventId || null, type: message.type, data });
      };

      const open = () => {
        if (failures === 0) {
          subscriber.next({ kind: 'state', state: 'connecting' });
        }
        ticketRequest = this.http
          .post<StreamTicket>(`${this.baseUrl}/streams/ticket`, {}, { context: silentErrors() })
          .subscribe({
            next: ({ ticket }) => {
              if (stopped) {
                return;
              }
              const params = new URLSearchParams({ ticket });
              if (lastEventId) {
                params.set('lastEventId', lastEventId);
              }
              source = this.createEventSource(`${this.baseUrl}/streams/${stream}?${params.toString()}`);
              source.onopen = () => {
                failures = 0;
                subscriber.next({ kind: 'state', state: 'open' });
              };
              source.onerror = reconnectLater;
              for (const type of eventTypes) {
                source.addEventListener(type, onEvent);
              }
            },
            error: reconnectLater,
          });
      };

      open();

      return () => {
        stopped = true;
        ticketRequest?.unsubscribe();
        if (retryTimer !== null) {
          clearTimeout(retryTimer);
        }
        closeSource();
      };
    });
  }
}
