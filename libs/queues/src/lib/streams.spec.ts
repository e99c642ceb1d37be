import { STREAM_NAMES, streamChannel } from './streams';

describe('stream channels', () => {
  it('names the pub/sub channel of a stream under the Redis prefix', () => {
    expect(streamChannel({ redisPrefix: 'lsp' }, 'transactions')).toBe('lsp:stream:transactions');
  });

  it('covers every stream of API.md §10', () => {
    expect(STREAM_NAMES).toEqual(
      expect.arrayContaining(['gateway-health', 'queue-stats', 'alerts', 'worker-health', 'transactions']),
    );
  });
});
