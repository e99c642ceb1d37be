import { UnrecoverableError, type Job } from 'bullmq';
import { createLogger } from '@lsp/platform';
import { JobDispatcher } from './job-dispatcher';
import type { JobProcessor } from './job-processor';

function fakeJob(name: string, data: unknown): Job {
  return { id: 'job-1', name, data, attemptsMade: 0 } as Job;
}

function setup(process: JobProcessor['process']) {
  const logger = createLogger('test', 'silent');
  const child = { info: jest.fn(), error: jest.fn() };
  jest.spyOn(logger, 'child').mockReturnValue(child as never);
  const processor = { process: jest.fn(process) };
  const dispatcher = new JobDispatcher(
    [
      {
        target: { queue: 'maintenance', jobs: ['verify-audit-chain'] },
        instance: processor,
      },
    ],
    logger,
  );
  return { dispatcher, processor, child, logger };
}

describe('JobDispatcher', () => {
  it('hands the validated payload to the processor and returns its result', async () => {
    const { dispatcher, processor } = setup(async () => ({ ok: true }));
    const job = fakeJob('verify-audit-chain', { trigger: 'manual' });
    await expect(dispatcher.dispatch('maintenance', job)).resolves.toEqual({
      ok: true,
    });
    expect(processor.process).toHaveBeenCalledWith({ trigger: 'manual' }, job);
  });

  it('refuses an invalid payload without calling the processor and without retries', async () => {
    const { dispatcher, processor, child } = setup(async () => undefined);
    const result = dispatcher.dispatch('maintenance', fakeJob('verify-audit-chain', { trigger: 'cron' }));
    await expect(result).rejects.toThrow(UnrecoverableError);
    await expect(result).rejects.toThrow('data.trigger must be one of');
    expect(processor.process).not.toHaveBeenCalled();
    expect(child.error).toHaveBeenCalled();
  });

  it('refuses a job name the queue does not declare', async () => {
    const { dispatcher } = setup(async () => undefined);
    await expect(dispatcher.dispatch('maintenance', fakeJob('rm-rf', {}))).rejects.toThrow(UnrecoverableError);
  });

  it('logs a failure with the job id and rethrows it so BullMQ retries', async () => {
    const boom = new Error('database went away');
    const { dispatcher, child, logger } = setup(async () => {
      throw boom;
    });
    await expect(
      dispatcher.dispatch('maintenance', fakeJob('verify-audit-chain', { trigger: 'schedule' })),
    ).rejects.toBe(boom);
    expect(logger.child).toHaveBeenCalledWith({
      queue: 'maintenance',
      job: 'verify-audit-chain',
      jobId: 'job-1',
      attempt: 1,
    });
    expect(child.error).toHaveBeenCalledWith(expect.objectContaining({ err: boom }), 'job failed');
  });
});
