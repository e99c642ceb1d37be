import {
  InvalidJobPayloadError,
  JOB_SCHEDULES,
  QUEUE_NAMES,
  QUEUES,
  UnknownJobError,
  isJobName,
  isQueueName,
  jobNamesOf,
  jobOptions,
  parseJobPayload,
} from './declarations';

describe('queue declarations', () => {
  it('declares the maintenance queue with its verify-audit-chain job', () => {
    expect(QUEUE_NAMES).toContain('maintenance');
    expect(jobNamesOf('maintenance')).toEqual(['verify-audit-chain']);
    expect(isQueueName('maintenance')).toBe(true);
    expect(isQueueName('toString')).toBe(false);
    expect(isJobName('maintenance', 'verify-audit-chain')).toBe(true);
    expect(isJobName('maintenance', 'constructor')).toBe(false);
  });

  it('declares the events queue, one job per event type', () => {
    expect(QUEUE_NAMES).toEqual(['maintenance', 'events']);
    expect(jobNamesOf('events')).toContain('payment.captured');
    expect(isJobName('events', 'payment.captured')).toBe(true);
    expect(isJobName('events', 'settlement.paid')).toBe(false);
  });

  it('gives every queue retries with exponential backoff and bounded history', () => {
    for (const name of QUEUE_NAMES) {
      const options = QUEUES[name].defaultJobOptions;
      expect(options.attempts).toBeGreaterThan(1);
      expect(options.backoff).toMatchObject({ type: 'exponential' });
      expect(options.removeOnComplete).toMatchObject({
        count: expect.any(Number),
      });
      expect(options.removeOnFail).toMatchObject({ count: expect.any(Number) });
      expect(QUEUES[name].concurrency).toBeGreaterThan(0);
    }
  });

  it.each([[{ trigger: 'schedule' }], [{ trigger: 'manual' }]])('accepts verify-audit-chain payload %j', (data) => {
    expect(parseJobPayload('maintenance', 'verify-audit-chain', data)).toEqual(data);
  });

  it.each([[{}], [{ trigger: 'cron' }], [{ trigger: 'manual', extra: true }], [null], ['manual']])(
    'rejects verify-audit-chain payload %j',
    (data) => {
      expect(() => parseJobPayload('maintenance', 'verify-audit-chain', data)).toThrow(InvalidJobPayloadError);
    },
  );

  it('names queue, job and problem in a payload error', () => {
    expect(() => parseJobPayload('maintenance', 'verify-audit-chain', { trigger: 1 })).toThrow(
      'invalid payload for maintenance/verify-audit-chain: data.trigger must be one of "schedule", "manual"',
    );
  });

  it('refuses an undeclared job name coming from the wire', () => {
    expect(() => parseJobPayload('maintenance', 'drop-tables' as 'verify-audit-chain', {})).toThrow(UnknownJobError);
  });

  it('merges queue defaults with caller overrides', () => {
    const options = jobOptions('maintenance', 'verify-audit-chain', {
      jobId: 'x',
      attempts: 1,
    });
    expect(options).toMatchObject({
      jobId: 'x',
      attempts: 1,
      backoff: QUEUES.maintenance.defaultJobOptions.backoff,
    });
  });

  it('schedules only declared jobs with valid payloads', () => {
    for (const s of JOB_SCHEDULES) {
      expect(isJobName(s.queue, s.job)).toBe(true);
      expect(() => parseJobPayload(s.queue, s.job as never, s.payload)).not.toThrow();
    }
    const audit = JOB_SCHEDULES.find((s) => s.id === 'verify-audit-chain');
    expect(audit?.everyMs({ auditVerifyEvery: 60_000 })).toBe(60_000);
  });
});
