import { type Observable, filter, map } from 'rxjs';
import type { SseService, StreamMessage, StreamName, StreamState } from './sse.service';

/**
 * The SSE `data:` of every stream but `transactions`: the whole message as the workers published it
 * (contracts.md, libs/queues `StreamMessage`). The console cannot import libs/queues, so the shape is restated.
 */
export interface OperationsStreamMessage<T> {
  id: string;
  stream: string;
  type: string;
  at: string;
  merchantId: string | null;
  data: T;
}

/** Sent without an id when a resume missed more messages than the server replays: reload, do not trust the gap. */
export const STREAM_TRUNCATED = 'stream.truncated';

export type OperationsUpdate<T> =
  | { kind: 'state'; state: StreamState }
  | { kind: 'truncated' }
  | { kind: 'message'; type: string; message: OperationsStreamMessage<T> };

/**
 * An operations stream as page-level updates: connection states, a "reload" signal after a lossy resume, and
 * messages whose envelope is well formed (anything else is dropped: a live view must not crash on one bad frame).
 */
export function operationsStream<T>(
  sse: SseService,
  stream: Exclude<StreamName, 'transactions'>,
  types: readonly string[],
): Observable<OperationsUpdate<T>> {
  return sse.connect<OperationsStreamMessage<T>>(stream, [...types, STREAM_TRUNCATED]).pipe(
    map((message: StreamMessage<OperationsStreamMessage<T>>): OperationsUpdate<T> | null => {
      if (message.kind === 'state') {
        return { kind: 'state', state: message.state };
      }
      if (message.type === STREAM_TRUNCATED) {
        return { kind: 'truncated' };
      }
      const body = message.data;
      if (!body || typeof body !== 'object' || !('data' in body) || body.data === null) {
        return null;
      }
      return { kind: 'message', type: message.type, message: body };
    }),
    filter((update): update is OperationsUpdate<T> => update !== null),
  );
}

export const LIVE_LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
};
