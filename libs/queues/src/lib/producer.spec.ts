import type { Queue } from 'bullmq';
import { InvalidJobPayloadError, QUEUES } from './declarations';
import { addJobs } from './producer';

const event = {
  id: 'evt_01JDQ3ZK7Y0000000000000000',
  type: 'payment.created' as const,
  merchantId: null,
  aggregateType: 'payment',
  aggregateId: 'pay_1',
  occurredAt: '2026-11-26T10:00:00Z',
  data: { object: {} },
};

function fakeQueue(name = 'events') {
  return { name, addBulk: jest.fn(async (jobs: unknown[]) => jobs) } as unknown as Pick<Queue, 'name' | 'addBulk'> & {
    addBulk: jest.Mock;
  };
}

describe('addJobs', () => {
  it('adds validated jobs in one call with the declared options and the caller’s job ids', async () => {
    const queue = fakeQueue();
    await addJobs(queue, 'events', [{ job: 'payment.created', payload: event, options: { jobId: 'j1' } }]);
    expect(queue.addBulk).toHaveBeenCalledTimes(1);
    expect(queue.addBulk).toHaveBeenCalledWith([
      {
        name: 'payment.created',
        data: event,
        opts: { ...QUEUES.events.defaultJobOptions, jobId: 'j1' },
      },
    ]);
  });

  it('adds nothing when one payload is invalid', async () => {
    const queue = fakeQueue();
    await expect(
      addJobs(queue, 'events', [
        { job: 'payment.created', payload: event },
        { job: 'payment.created', payload: { ...event, id: 'nope' } },
      ]),
    ).rejects.toThrow(InvalidJobPayloadError);
    expect(queue.addBulk).not.toHaveBeenCalled();
  });

  it('refuses a queue instance of another queue and skips the round trip for no jobs', async () => {
    await expect(addJobs(fakeQueue('maintenance'), 'events', [])).rejects.toThrow('is not "events"');
    const queue = fakeQueue();
    await expect(addJobs(queue, 'events', [])).resolves.toEqual([]);
    expect(queue.addBulk).not.toHaveBeenCalled();
  });
});
