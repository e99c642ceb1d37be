import type { Job } from 'bullmq';
import { createLogger } from '@lsp/platform';
import type { EventEnvelope, EventType } from '@lsp/queues';
import type { EventHandler } from './event-handler';
import { EventHandlersFailedError, FanOutEventProcessor } from './fan-out-event.processor';
import { PublishTransactionStreamHandler } from './publish-transaction-stream.handler';

const event: EventEnvelope = {
  id: 'evt_01JDQ3ZK7Y0000000000000000',
  type: 'payment.captured',
  merchantId: 'mer_01JDQ3ZK7Y0000000000000001',
  aggregateType: 'payment',
  aggregateId: 'pay_01JDQ3ZK7Y0000000000000002',
  occurredAt: '2026-11-26T10:00:00.000Z',
  data: { object: { id: 'pay_01JDQ3ZK7Y0000000000000002', status: 'captured' } },
};

/** A job whose progress persists across "attempts", like BullMQ's. */
function fakeJob(): Job & { progress: unknown } {
  const job = {
    id: 'job-1',
    progress: 0 as unknown,
    updateProgress: jest.fn(async (progress: unknown) => {
      job.progress = progress;
    }),
  };
  return job as unknown as Job & { progress: unknown };
}

function handler(name: string, eventTypes?: EventType[]): EventHandler & { handle: jest.Mock } {
  return { name, eventTypes, handle: jest.fn(async () => undefined) };
}

describe('FanOutEventProcessor', () => {
  const logger = createLogger('test', 'silent');

  it('runs every handler that takes the event type, in list order, and skips the others', async () => {
    const calls: string[] = [];
    const a = handler('a');
    const b = handler('b', ['refund.failed']);
    const c = handler('c', ['payment.captured']);
    for (const h of [a, b, c]) h.handle.mockImplementation(async () => void calls.push(h.name));
    const job = fakeJob();

    await expect(new FanOutEventProcessor([a, b, c], logger).process(event, job)).resolves.toEqual({
      handled: ['a', 'c'],
    });
    expect(calls).toEqual(['a', 'c']);
    expect(a.handle).toHaveBeenCalledWith(event, job);
  });

  it('lets the other handlers run when one fails, fails the job, and retries only the failed handler', async () => {
    const a = handler('a');
    const b = handler('b');
    const c = handler('c');
    b.handle.mockRejectedValueOnce(new Error('ledger unavailable'));
    const processor = new FanOutEventProcessor([a, b, c], logger);
    const job = fakeJob();

    const first = processor.process(event, job);
    await expect(first).rejects.toThrow(EventHandlersFailedError);
    await expect(first).rejects.toThrow('event handler failed: b: ledger unavailable');
    expect(c.handle).toHaveBeenCalledTimes(1);
    expect(job.progress).toEqual({ handled: ['a', 'c'] });

    // BullMQ's retry: same job, same progress.
    await expect(processor.process(event, job)).resolves.toEqual({ handled: ['a', 'c', 'b'] });
    expect(a.handle).toHaveBeenCalledTimes(1);
    expect(b.handle).toHaveBeenCalledTimes(2);
    expect(c.handle).toHaveBeenCalledTimes(1);
  });

  it('writes no progress when every handler succeeds (nothing would read it)', async () => {
    const job = fakeJob();
    await expect(new FanOutEventProcessor([handler('a'), handler('b')], logger).process(event, job)).resolves.toEqual({
      handled: ['a', 'b'],
    });
    expect(job.updateProgress).not.toHaveBeenCalled();
  });

  it("fails with the handlers' error when the progress cannot be recorded either", async () => {
    const a = handler('a');
    const b = handler('b');
    b.handle.mockRejectedValueOnce(new Error('ledger unavailable'));
    const job = fakeJob();
    (job.updateProgress as jest.Mock).mockRejectedValue(new Error('redis gone'));
    await expect(new FanOutEventProcessor([a, b], logger).process(event, job)).rejects.toThrow(
      'event handler failed: b: ledger unavailable',
    );
    expect(job.updateProgress).toHaveBeenCalledWith({ handled: ['a'] });
  });
});

describe('PublishTransactionStreamHandler', () => {
  it('publishes the JSON envelope of payment and refund events to <prefix>:stream:transactions', async () => {
    const redis = { publish: jest.fn(async () => 1) };
    const streamHandler = new PublishTransactionStreamHandler(redis, { redisPrefix: 'lsp' } as never);
    await streamHandler.handle(event);
    expect(redis.publish).toHaveBeenCalledWith('lsp:stream:transactions', JSON.stringify(event));
    expect(streamHandler.eventTypes).toEqual([
      'payment.created',
      'payment.captured',
      'payment.failed',
      'payment.cancelled',
      'refund.succeeded',
      'refund.failed',
    ]);
  });

  it('fails when Redis refuses, so the job is retried', async () => {
    const redis = { publish: jest.fn(async () => Promise.reject(new Error('Connection is closed.'))) };
    const streamHandler = new PublishTransactionStreamHandler(redis as never, { redisPrefix: 'lsp' } as never);
    await expect(streamHandler.handle(event)).rejects.toThrow('Connection is closed.');
  });
});
