import { bullConnection, bullPrefix, queueRegistration } from './bull';
import { QUEUES } from './declarations';

describe('BullMQ wiring', () => {
  it('namespaces every BullMQ key under the Redis prefix', () => {
    expect(bullPrefix({ redisPrefix: 'lsp' })).toBe('lsp:bull');
  });

  it('turns REDIS_URL into connection options', () => {
    expect(
      bullConnection({
        redisUrl: 'redis://127.0.0.1:6379',
        redisPrefix: 'lsp',
      }),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      username: undefined,
      password: undefined,
      tls: undefined,
      maxRetriesPerRequest: null,
      connectionName: 'lsp:bull',
    });
    expect(
      bullConnection(
        {
          redisUrl: 'rediss://user:p%40ss@redis.internal:6380/2',
          redisPrefix: 'x',
        },
        'w',
      ),
    ).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      db: 2,
      username: 'user',
      password: 'p@ss',
      tls: {},
      connectionName: 'x:w',
    });
    expect(bullConnection({ redisUrl: 'redis://[::1]:7000', redisPrefix: 'x' })).toMatchObject({
      host: '::1',
      port: 7000,
    });
  });

  it('registers a queue with its declared defaults', () => {
    expect(queueRegistration('maintenance')).toEqual({
      name: 'maintenance',
      defaultJobOptions: QUEUES.maintenance.defaultJobOptions,
    });
  });
});
