import { ConfigError } from '@lsp/platform';
import { QUEUE_NAMES } from '@lsp/queues';
import { selectQueues } from './queue-selection';

describe('selectQueues', () => {
  it('serves every declared queue when WORKER_QUEUES is empty', () => {
    expect(selectQueues([])).toEqual(QUEUE_NAMES);
  });

  it('serves only the named queues', () => {
    expect(selectQueues(['maintenance'])).toEqual(['maintenance']);
  });

  it('refuses an unknown queue as a configuration error', () => {
    expect(() => selectQueues(['maintenance', 'payments-typo'])).toThrow(ConfigError);
    expect(() => selectQueues(['payments-typo'])).toThrow(
      // Every declared queue is named, whatever other queues are added later.
      `WORKER_QUEUES: unknown queue "payments-typo" (declared: ${QUEUE_NAMES.join(', ')})`,
    );
  });
});
