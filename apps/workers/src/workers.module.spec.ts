import { createLogger, loadConfig } from '@lsp/platform';
import { WorkersModule } from './workers.module';

describe('WorkersModule.forRoot', () => {
  const logger = createLogger('test', 'silent');

  it('refuses to build when a declared job of a served queue has no processor', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(() => WorkersModule.forRoot(config, { logger, processors: [] })).toThrow(
      'no processor for declared jobs maintenance/verify-audit-chain, payments/retry-temporary-failures, payments/retry-payment',
    );
  });

  it('refuses an unknown queue in WORKER_QUEUES', () => {
    const config = loadConfig({ NODE_ENV: 'test', WORKER_QUEUES: 'nope' });
    expect(() => WorkersModule.forRoot(config, { logger })).toThrow('WORKER_QUEUES: unknown queue "nope"');
  });

  it('registers one queue and one worker host per served queue', () => {
    const module = WorkersModule.forRoot(loadConfig({ NODE_ENV: 'test' }), {
      logger,
    });
    const names = (module.providers ?? []).map((p) => (typeof p === 'function' ? p.name : ''));
    expect(names).toContain('MaintenanceQueueWorker');
    expect(names).toContain('VerifyAuditChainProcessor');
    expect(names).toContain('EventsQueueWorker');
    expect(names).toContain('FanOutEventProcessor');
    expect(names).toContain('PublishTransactionStreamHandler');
    expect(names).toContain('PaymentsQueueWorker');
    expect(names).toContain('RetryTemporaryFailuresProcessor');
    expect(names).toContain('RetryPaymentProcessor');
    expect(names).toContain('MonitorStalePaymentsProcessor');
    expect(names).toContain('ReconcilePaymentProcessor');
    expect(names).toContain('RecoverOrphanedPaymentsProcessor');
    expect(names).toContain('PurgeIdempotencyKeysProcessor');
  });
});
