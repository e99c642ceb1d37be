import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import { Database, LedgerPostingBatcher, dataSourceFor } from '@lsp/persistence';
import {
  WORKER_HEARTBEAT_INTERVAL_MS,
  bullConnection,
  bullPrefix,
  queueRegistration,
  type QueueName,
} from '@lsp/queues';
import { ALERTS_RETENTION_PROVIDERS } from './alerts/alerts-retention.providers';
import { connectRedis } from './core/dependencies';
import { errorMessage } from './core/error-message';
import { HealthChecker } from './core/health/health-checker';
import { HealthServer } from './core/health/health-server';
import { HeartbeatService, type WorkerIdentity } from './core/heartbeat.service';
import { JobDispatcher, type ResolvedProcessor } from './core/job-dispatcher';
import { type JobProcessor, jobTargetOf, processorsForQueues } from './core/job-processor';
import { installJobSchedules } from './core/job-schedules';
import { type QueueWorkerHost, queueWorkerHost } from './core/queue-worker-host';
import { selectQueues } from './core/queue-selection';
import { StartupError } from './core/startup-error';
import {
  APP_CONFIG,
  JOB_PROCESSORS,
  LOGGER,
  OUTBOX_RELAY,
  QUEUE_HOSTS,
  REDIS,
  WORKER_IDENTITY,
  WORKERS_OPTIONS,
} from './core/tokens';
import { WORKERS_VERSION } from './core/version';
import { WorkerStats } from './core/worker-stats';
import { EVENT_HANDLERS, type EventHandler } from './events/event-handler';
import { gatewayProviders } from './gateways/gateways.providers';
import { EVENT_HANDLER_TYPES } from './events/event-handlers';
import { OutboxRelay, type OutboxRelayOptions, createEventsQueue } from './outbox/outbox-relay.service';
import { DeclaredQueues } from './core/declared-queues';
import { WorkerHealthMonitor } from './monitoring/worker-health-monitor';
import { workersMetrics } from './core/metrics';
import type { PaymentWorkerOptions } from './payments/payment-worker-options';
import { paymentProviders } from './payments/payments.providers';
import { PROCESSORS } from './processors';

export interface WorkersOptions {
  logger: Logger;
  /** Defaults to every processor of the app; tests swap in their own. */
  processors?: Type<JobProcessor>[];
  heartbeatIntervalMs?: number;
  /** Consumers of the `events` queue; defaults to EVENT_HANDLER_TYPES. */
  eventHandlers?: Type<EventHandler>[];
  /**
   * The outbox relay runs in every workers process (relays share the work safely); `false` runs none, an object
   * tunes it (tests use short leases and delays).
   */
  outboxRelay?: false | Partial<Omit<OutboxRelayOptions, 'relayId'>>;
  /** Tuning of the payments queue's processors (tests use small batches and few status checks before review). */
  payments?: Partial<PaymentWorkerOptions>;
}

interface ResolvedOptions {
  queues: QueueName[];
  heartbeatIntervalMs: number;
}

/** Config and logger, global so BullModule.forRootAsync and every provider can inject them. */
@Global()
@Module({})
class WorkersCoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkersCoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [APP_CONFIG, LOGGER],
    };
  }
}

/**
 * Start and stop, in the order that keeps work safe: start consuming only after schedules exist; on shutdown
 * stop taking jobs and let running ones finish (worker.close), then drop the heartbeat, then close PostgreSQL and
 * Redis — a running job still has its connections until it is done.
 */
@Injectable()
class WorkersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WORKERS_OPTIONS) private readonly options: ResolvedOptions,
    @Inject(WORKER_IDENTITY) private readonly identity: WorkerIdentity,
    @Inject(QUEUE_HOSTS) private readonly hosts: QueueWorkerHost[],
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HeartbeatService) private readonly heartbeat: HeartbeatService,
    @Inject(HealthServer) private readonly health: HealthServer,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(WorkerHealthMonitor) private readonly workerHealth: WorkerHealthMonitor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queues = new Map<QueueName, Queue>(
      this.options.queues.map((name) => [name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })]),
    );
    await installJobSchedules(queues, this.config, this.logger);
    const pending = await this.db.pendingMigrations().catch((err: unknown) => {
      throw new StartupError(
        `database is not migrated (run node dist/apps/api/migrate.js first): ${errorMessage(err)}`,
      );
    });
    if (pending.length > 0) {
      this.logger.warn({ pending }, 'database schema is behind this build; readiness will fail until migrated');
    }
    const healthPort = await this.health.listen(this.config.workersHealthPort);
    this.relay?.start();
    await this.heartbeat.start();
    this.workerHealth.start();
    this.logger.info(
      {
        workerId: this.identity.id,
        queues: this.options.queues,
        healthPort,
        version: this.identity.version,
      },
      'workers started',
    );
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'workers stopping: finishing running jobs');
    // close() stops fetching and resolves once the jobs in progress have finished; the relay finishes its pass.
    await Promise.all([this.relay?.stop(), this.workerHealth.stop(), ...this.hosts.map((host) => host.worker.close())]);
    await this.heartbeat.stop();
    await this.health.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.db.dataSource.destroy(), this.redis.quit()]);
    this.logger.info('workers stopped');
  }
}

@Module({})
export class WorkersModule {
  /**
   * The whole workers process for one validated config. Throws before anything connects when WORKER_QUEUES names
   * an unknown queue or a declared job of a served queue has no processor.
   */
  static forRoot(config: AppConfig, options: WorkersOptions): DynamicModule {
    const queues = selectQueues(config.workerQueues);
    const processors = processorsForQueues(queues, options.processors ?? PROCESSORS);
    const hosts = queues.map((queue) => queueWorkerHost(queue));
    const eventHandlers = options.eventHandlers ?? EVENT_HANDLER_TYPES;
    const resolved: ResolvedOptions = {
      queues,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? WORKER_HEARTBEAT_INTERVAL_MS,
    };

    const providers: Provider[] = [
      { provide: WORKERS_OPTIONS, useValue: resolved },
      {
        provide: WORKER_IDENTITY,
        useFactory: (): WorkerIdentity => {
          const host = hostname();
          const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'host';
          return {
            // Random suffix: two processes on one host (or a restarted pid) never share a heartbeat key.
            id: `${safeHost}-${process.pid}-${randomBytes(3).toString('hex')}`,
            host,
            pid: process.pid,
            queues,
            startedAt: new Date(),
            version: WORKERS_VERSION,
          };
        },
      },
      {
        provide: Database,
        inject: [APP_CONFIG],
        useFactory: async (cfg: AppConfig): Promise<Database> => {
          const dataSource = dataSourceFor(cfg, 'app', 5);
          await dataSource.initialize();
          return new Database(dataSource);
        },
      },
      {
        provide: LedgerPostingBatcher,
        inject: [Database, APP_CONFIG],
        useFactory: (db: Database, cfg: AppConfig) =>
          new LedgerPostingBatcher(db, { windowMs: cfg.ledgerBatchWindowMs, maxSize: cfg.ledgerBatchMax }),
      },
      {
        provide: REDIS,
        inject: [APP_CONFIG],
        useFactory: (cfg: AppConfig): Promise<Redis> => connectRedis(cfg, 'workers'),
      },
      WorkerStats,
      DeclaredQueues,
      WorkerHealthMonitor,
      ...paymentProviders(options.payments),
      ...gatewayProviders(),
      ...ALERTS_RETENTION_PROVIDERS,
      {
        provide: OUTBOX_RELAY,
        inject: [Database, APP_CONFIG, WORKER_IDENTITY, LOGGER],
        useFactory: (db: Database, cfg: AppConfig, identity: WorkerIdentity, logger: Logger): OutboxRelay | null => {
          if (options.outboxRelay === false) return null;
          const queue = createEventsQueue(cfg);
          return new OutboxRelay(
            db,
            queue,
            logger.child({ component: 'outbox-relay' }),
            { ...options.outboxRelay, relayId: identity.id },
            () => queue.close(),
          );
        },
      },
      {
        provide: HeartbeatService,
        inject: [REDIS, APP_CONFIG, WORKER_IDENTITY, WorkerStats, LOGGER, OUTBOX_RELAY],
        useFactory: (
          redis: Redis,
          cfg: AppConfig,
          identity: WorkerIdentity,
          stats: WorkerStats,
          logger: Logger,
          relay: OutboxRelay | null,
        ) => new HeartbeatService(redis, cfg, identity, stats, logger, resolved.heartbeatIntervalMs, relay),
      },
      {
        provide: HealthServer,
        inject: [Database, REDIS, LOGGER, APP_CONFIG],
        useFactory: (db: Database, redis: Redis, logger: Logger, cfg: AppConfig) =>
          new HealthServer(new HealthChecker(db, redis), logger, workersMetrics(redis, cfg)),
      },
      ...eventHandlers,
      {
        provide: EVENT_HANDLERS,
        inject: eventHandlers,
        useFactory: (...instances: EventHandler[]) => instances,
      },
      ...processors,
      {
        provide: JOB_PROCESSORS,
        inject: processors,
        useFactory: (...instances: JobProcessor[]): ResolvedProcessor[] =>
          instances.map((instance, i) => ({
            instance,
            target: jobTargetOf(processors[i]) as NonNullable<ReturnType<typeof jobTargetOf>>,
          })),
      },
      JobDispatcher,
      ...hosts,
      {
        provide: QUEUE_HOSTS,
        inject: hosts,
        useFactory: (...instances: QueueWorkerHost[]) => instances,
      },
      WorkersLifecycle,
    ];

    return {
      module: WorkersModule,
      imports: [
        WorkersCoreModule.forRoot(config, options.logger),
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (cfg: AppConfig) => ({
            prefix: bullPrefix(cfg),
            connection: bullConnection(cfg, 'workers-bull'),
          }),
        }),
        ...queues.map((queue) => BullModule.registerQueue(queueRegistration(queue))),
      ],
      providers,
    };
  }
}
