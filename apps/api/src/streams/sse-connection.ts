import type { ServerResponse } from 'node:http';

// A client this far behind is cut off rather than buffered without bound: one stalled dashboard must not grow the
// process's memory with every message. It reconnects with Last-Event-ID and catches up from the replay source.
export const MAX_BUFFERED_BYTES = 1024 * 1024;
// Recently sent ids, to drop the relay's occasional re-publication and overlaps between replay and live.
const RECENT_IDS = 1000;
// How long EventSource waits before it reconnects after the stream ends.
const RETRY_MS = 3000;

/**
 * One server-sent event stream on a hijacked Fastify reply: the framing (`id:`/`event:`/`data:`, comments),
 * de-duplication by event id, and backpressure. Never throws once open: a failed write closes the stream.
 */
export class SseConnection {
  private readonly recent = new Set<string>();
  private closed = false;
  /** True when the stream was cut because the client did not read fast enough. */
  dropped = false;
  /** Id of the last event sent: where a resync after a Redis reconnect resumes. */
  lastId: string | null = null;
  private readonly closeHandlers: (() => void)[] = [];
  sent = 0;

  constructor(private readonly raw: ServerResponse) {
    raw.on('close', () => this.onClosed());
    raw.on('error', () => this.onClosed());
  }

  /** Writes the status line and headers (those Fastify's hooks already set, e.g. X-Request-Id, CORS, security). */
  open(headers: Record<string, string | number | string[] | undefined>): void {
    const merged: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) merged[name] = value;
    this.raw.writeHead(200, {
      ...merged,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and similar proxies buffer responses unless told not to; a buffered stream is not live.
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${RETRY_MS}\n\n`);
    if (this.raw.destroyed) this.onClosed();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends an event once per id; the id becomes the client's Last-Event-ID. */
  send(event: { id: string; type: string }, data: unknown): void {
    if (this.closed || this.recent.has(event.id)) return;
    this.recent.add(event.id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value as string);
    this.sent++;
    this.lastId = event.id;
    // JSON.stringify escapes line breaks, so the payload is always a single data line.
    this.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** An event without an id: it leaves the client's Last-Event-ID where it was. */
  notice(type: string, data: unknown): void {
    this.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.raw.end();
    this.onClosed();
  }

  private write(chunk: string): void {
    if (this.closed || this.raw.destroyed || this.raw.writableEnded) return;
    try {
      this.raw.write(chunk);
    } catch {
      this.raw.destroy();
      this.onClosed();
      return;
    }
    if (this.raw.writableLength > MAX_BUFFERED_BYTES) {
      this.dropped = true;
      this.raw.destroy();
      this.onClosed();
    }
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    // The client went away (or the stream failed): release the socket now. A half-closed socket would otherwise
    // stay open, counted as busy, and hold up server shutdown until keep-alive gives up.
    if (!this.raw.writableEnded && !this.raw.destroyed) this.raw.destroy();
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}
