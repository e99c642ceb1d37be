/** One parsed server-sent message: an event (fields) or a comment line. */
export type SseMessage =
  | { kind: 'event'; id?: string; event: string; data: string; json: any }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number };

/**
 * A small SSE client over fetch, as a browser's EventSource would see the stream, but with headers and explicit
 * reading so tests can wait for a specific message with a deadline.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  private waiters: (() => void)[] = [];
  private ended = false;

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly controller: AbortController,
    readonly errorBody: any,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      return new SseClient(res.status, res.headers, controller, body);
    }
    const client = new SseClient(res.status, res.headers, controller, null);
    void client.pump(res.body as ReadableStream<Uint8Array>);
    return client;
  }

  get events(): Extract<SseMessage, { kind: 'event' }>[] {
    return this.messages.filter((m): m is Extract<SseMessage, { kind: 'event' }> => m.kind === 'event');
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Resolves with the first message (already received or still to come) that matches, or fails at the deadline. */
  async waitFor<T extends SseMessage>(match: (m: SseMessage) => m is T, timeoutMs?: number): Promise<T>;
  async waitFor(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  async waitFor(match: (m: SseMessage) => boolean, timeoutMs = 5000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended before the message arrived; got ${JSON.stringify(this.messages)}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForEvent(id: string, timeoutMs?: number): Promise<Extract<SseMessage, { kind: 'event' }>> {
    return this.waitFor(
      (m): m is Extract<SseMessage, { kind: 'event' }> => m.kind === 'event' && m.id === id,
      timeoutMs,
    );
  }

  /** Resolves once the server has ended the stream. */
  async waitForEnd(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`stream still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake();
      }
    } catch {
      // aborted by close(), or the server cut the connection
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.messages.push({ kind: 'comment', text: line.slice(1).trim() });
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields[name] = name === 'data' && fields['data'] !== undefined ? `${fields['data']}\n${value}` : value;
    }
    if (fields['retry'] !== undefined) this.messages.push({ kind: 'retry', ms: Number(fields['retry']) });
    if (fields['data'] !== undefined) {
      let json: unknown = null;
      try {
        json = JSON.parse(fields['data']);
      } catch {
        // not JSON
      }
      this.messages.push({
        kind: 'event',
        id: fields['id'],
        event: fields['event'] ?? 'message',
        data: fields['data'],
        json,
      });
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
