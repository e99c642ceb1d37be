import { STREAM_NAMES, decodeStreamMessage, isStreamName, publishStreamMessage, streamChannel } from './streams';

describe('stream channels', () => {
  it('names the pub/sub channel of a stream under the Redis prefix', () => {
    expect(streamChannel({ redisPrefix: 'lsp' }, 'transactions')).toBe('lsp:stream:transactions');
  });

  it('covers every stream of API.md §10', () => {
    expect([...STREAM_NAMES].sort()).toEqual(
      [
        'alerts',
        'gateway-health',
        'queue-stats',
        'settlements',
        'system-status',
        'transactions',
        'worker-health',
      ].sort(),
    );
    expect(isStreamName('alerts')).toBe(true);
    expect(isStreamName('constructor')).toBe(false);
  });
});

describe('decodeStreamMessage', () => {
  const valid = {
    id: '1764190000000-0',
    stream: 'alerts',
    type: 'alert.raised',
    at: '2026-11-26T10:00:00.000Z',
    merchantId: null,
    data: { id: 'alr_1' },
  };

  it('keeps exactly the message fields', () => {
    expect(decodeStreamMessage('alerts', { ...valid, extra: 'secret' })).toEqual(valid);
  });

  it.each([
    ['an id with a line break', { id: '1-0\nevent: x' }],
    ['another stream', { stream: 'queue-stats' }],
    ['a type with a line break', { type: 'alert.raised\ndata: x' }],
    ['a malformed merchant id', { merchantId: 'mer_1' }],
    ['no data', { data: undefined }],
  ])('refuses %s', (_what, override) => {
    const value: Record<string, unknown> = { ...valid, ...override };
    if ('data' in override && override.data === undefined) delete value['data'];
    expect(decodeStreamMessage('alerts', value)).toBeNull();
  });
});

describe('publishStreamMessage', () => {
  it('buffers first, then publishes the message with the buffer entry id', async () => {
    const calls: string[] = [];
    const redis = {
      xadd: async (...args: unknown[]) => {
        calls.push(`xadd ${String(args[0])}`);
        return '42-1';
      },
      publish: async (channel: string, text: string) => {
        calls.push(`publish ${channel} ${JSON.parse(text).id}`);
        return 1;
      },
    };
    const sent = await publishStreamMessage(redis as never, { redisPrefix: 'p' }, 'alerts', {
      type: 'alert.raised',
      data: { n: 1 },
    });
    expect(sent).toMatchObject({ id: '42-1', stream: 'alerts', type: 'alert.raised', merchantId: null });
    expect(calls).toEqual(['xadd p:stream-buffer:alerts', 'publish p:stream:alerts 42-1']);
  });

  it('refuses a type or merchant id that subscribers would drop', async () => {
    const redis = { xadd: jest.fn(), publish: jest.fn() };
    await expect(
      publishStreamMessage(redis as never, { redisPrefix: 'p' }, 'alerts', { type: 'Alert Raised', data: 1 }),
    ).rejects.toThrow(/bad type/);
    await expect(
      publishStreamMessage(redis as never, { redisPrefix: 'p' }, 'settlements', {
        type: 'settlement.paid',
        data: 1,
        merchantId: 'acme',
      }),
    ).rejects.toThrow(/bad merchantId/);
    expect(redis.xadd).not.toHaveBeenCalled();
  });
});
