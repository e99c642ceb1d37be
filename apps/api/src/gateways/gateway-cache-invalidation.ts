import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayDirectory, GatewayCacheInvalidation as GatewayCacheChannel } from '@lsp/payments';
import type { AppConfig, Logger } from '@lsp/platform';
import { APP_CONFIG, LOGGER, REDIS, REDIS_SUBSCRIBER } from '../core/infra/tokens';

/** The API process's end of the gateway cache invalidation channel (libs/payments), tied to the module lifecycle. */
@Injectable()
export class GatewayCacheInvalidation extends GatewayCacheChannel implements OnModuleInit, OnModuleDestroy {
  constructor(
    directory: GatewayDirectory,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(REDIS_SUBSCRIBER) subscriber: Redis,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(directory, config, redis, subscriber, logger);
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }
}
