import { Injectable } from '@nestjs/common';
import { ProcessesJob, type JobProcessor, jobTargetOf, processorsForQueues } from './job-processor';

@Injectable()
@ProcessesJob('maintenance', 'verify-audit-chain')
class VerifyA implements JobProcessor<'maintenance', 'verify-audit-chain'> {
  async process(): Promise<void> {
    return undefined;
  }
}

@Injectable()
@ProcessesJob('maintenance', 'verify-audit-chain')
class VerifyB implements JobProcessor<'maintenance', 'verify-audit-chain'> {
  async process(): Promise<void> {
    return undefined;
  }
}

class Undecorated implements JobProcessor {
  async process(): Promise<void> {
    return undefined;
  }
}

describe('processor coverage check', () => {
  it('records the job a processor handles', () => {
    expect(jobTargetOf(VerifyA)).toEqual({
      queue: 'maintenance',
      jobs: ['verify-audit-chain'],
    });
    expect(jobTargetOf(Undecorated)).toBeUndefined();
  });

  it('returns the processors of the served queues when every declared job has one', () => {
    expect(processorsForQueues(['maintenance'], [VerifyA])).toEqual([VerifyA]);
  });

  it('serves no processors for queues this process does not consume', () => {
    expect(processorsForQueues([], [VerifyA])).toEqual([]);
  });

  it('refuses to start when a declared job of a served queue has no processor, naming the job', () => {
    expect(() => processorsForQueues(['maintenance'], [])).toThrow(
      'no processor for declared job maintenance/verify-audit-chain',
    );
  });

  it('refuses two processors for one job', () => {
    expect(() => processorsForQueues(['maintenance'], [VerifyA, VerifyB])).toThrow(
      'job maintenance/verify-audit-chain has two processors: VerifyA and VerifyB',
    );
  });

  it('refuses a listed class without @ProcessesJob', () => {
    expect(() => processorsForQueues(['maintenance'], [VerifyA, Undecorated])).toThrow(
      'Undecorated is listed as a job processor but has no @ProcessesJob(queue, job)',
    );
  });

  it('lets one processor handle several jobs of a queue, and checks each of them', () => {
    @Injectable()
    @ProcessesJob('events', ['payment.created', 'payment.captured'])
    class SomeEvents implements JobProcessor<'events', 'payment.created' | 'payment.captured'> {
      async process(): Promise<void> {
        return undefined;
      }
    }
    expect(jobTargetOf(SomeEvents)).toEqual({ queue: 'events', jobs: ['payment.created', 'payment.captured'] });
    expect(() => processorsForQueues(['events'], [SomeEvents])).toThrow(
      /no processor for declared jobs events\/payment\.failed, events\/payment\.cancelled/,
    );
    expect(() => ProcessesJob('events', [])).toThrow('names no job');
  });
});
