import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { GatewayHealthChange } from '@lsp/contracts';
import { type GatewayHealthStatus, decideGatewayHealth } from '@lsp/domain';
import { adapterFor } from '@lsp/gateways';
import {
  GatewayDirectory,
  type GatewayRecord,
  PaymentProcessor,
  RedisGatewayCircuit,
  probeGateway,
} from '@lsp/payments';
import { Database, raiseAlert, resolveAlertByFingerprint } from '@lsp/persistence';
import type { AppConfig, Logger } from '@lsp/platform';
import { type ScheduledRunPayload, publishStreamMessage } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { GatewayCacheListener } from './gateway-cache-listener';
import { type HealthSample, gatewayHealthRepository as repo } from './gateway-health.repository';

export const gatewayDownAlert = (gatewayId: string): string => `gateway-down:${gatewayId}`;

export interface CollectedHealth {
  gatewayId: string;
  status: GatewayHealthStatus;
  previousStatus: GatewayHealthStatus;
  reason: string;
}

/**
 * The Gateway Health Collector, once per GATEWAY_HEALTH_INTERVAL however many workers run (a BullMQ job
 * scheduler): for every enabled gateway it judges the attempts of the last GATEWAY_HEALTH_WINDOW together with a
 * live probe (libs/domain decideGatewayHealth), records a sample and the gateway's current health, keeps the
 * `gateway-down:<id>` alert open exactly while the gateway is down and opens its circuit then. A status change is
 * announced on the `gateway-health` stream and drops every process's gateway cache, so routing follows at once.
 */
@Injectable()
@ProcessesJob('gateways', 'collect-gateway-health')
export class CollectGatewayHealthProcessor implements JobProcessor<'gateways', 'collect-gateway-health'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(GatewayDirectory) private readonly directory: GatewayDirectory,
    @Inject(PaymentProcessor) private readonly payments: PaymentProcessor,
    @Inject(RedisGatewayCircuit) private readonly circuit: RedisGatewayCircuit,
    @Inject(GatewayCacheListener) private readonly cache: GatewayCacheListener,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(_payload: ScheduledRunPayload): Promise<CollectedHealth[]> {
    // Fresh from the database: a tick must not judge a gateway an admin has just disabled.
    this.directory.invalidate();
    const gateways = (await this.directory.all()).filter((g) => g.enabled);
    if (!gateways.length) return [];
    const ids = gateways.map((g) => g.id);
    const windowMs = this.config.gatewayHealthWindowMs;
    const [figures, errorClasses] = await this.db.platform(async (em) => [
      new Map((await repo.windowFigures(em, ids, windowMs)).map((f) => [f.gateway_id, f])),
      await repo.errorClasses(em, ids, windowMs),
    ]);
    const probes = await Promise.all(
      gateways.map((g) => probeGateway(adapterFor(g.provider), this.payments.context(g))),
    );
    const results: CollectedHealth[] = [];
    let changed = false;
    for (const [i, gateway] of gateways.entries()) {
      const f = figures.get(gateway.id);
      const probe = probes[i];
      const verdict = decideGatewayHealth({
        attempts: f?.attempts ?? 0,
        failures: f?.failures ?? 0,
        p95LatencyMs: f?.p95_latency_ms ?? null,
        probeOk: probe.ok,
      });
      const sample: HealthSample = {
        gatewayId: gateway.id,
        status: verdict.status,
        successRate: verdict.successRate,
        p95LatencyMs: f?.p95_latency_ms ?? null,
        attempts: f?.attempts ?? 0,
        failures: f?.failures ?? 0,
        errorClasses: errorClasses.get(gateway.id) ?? {},
        probeOk: probe.ok,
        probeLatencyMs: Math.max(0, Math.round(probe.latencyMs)),
        probeError: probe.ok ? null : (probe.errorClass ?? 'unknown').slice(0, 100),
      };
      const recorded = await this.record(gateway, sample, verdict.reason);
      if (!recorded) continue;
      results.push({ ...recorded, reason: verdict.reason });
      if (sample.status === 'down') await this.circuit.trip(gateway.id);
      if (recorded.previousStatus !== sample.status) {
        changed = true;
        this.logger.warn(
          { gatewayId: gateway.id, code: gateway.code, status: sample.status, previous: recorded.previousStatus },
          `gateway ${gateway.code} is ${sample.status}: ${verdict.reason}`,
        );
        await this.announce(gateway, sample, recorded.previousStatus, recorded.checkedAt);
      }
    }
    if (changed) await this.cache.publish();
    return results;
  }

  private record(
    gateway: GatewayRecord,
    sample: HealthSample,
    reason: string,
  ): Promise<(Omit<CollectedHealth, 'reason'> & { checkedAt: Date }) | null> {
    return this.db.platform(async (em) => {
      const previousStatus = await repo.lockStatus(em, gateway.id);
      // Deleted since the tick began.
      if (!previousStatus) return null;
      const checkedAt = await repo.record(em, sample);
      const fingerprint = gatewayDownAlert(gateway.id);
      if (sample.status === 'down') {
        await raiseAlert(em, {
          fingerprint,
          severity: 'critical',
          source: 'workers/gateway-health',
          title: `Gateway ${gateway.code} is down`,
          message: `${gateway.name} (${gateway.code}) is down: ${reason}.`,
          details: {
            gatewayId: gateway.id,
            code: gateway.code,
            successRate: sample.successRate,
            attempts: sample.attempts,
            failures: sample.failures,
            errorClasses: sample.errorClasses,
            probeError: sample.probeError,
          },
        });
      } else {
        await resolveAlertByFingerprint(em, fingerprint);
      }
      return { gatewayId: gateway.id, status: sample.status, previousStatus, checkedAt };
    });
  }

  /** Best effort: the change is already in PostgreSQL (history, gateway row); a lost message only delays the console. */
  private async announce(
    gateway: GatewayRecord,
    sample: HealthSample,
    previousStatus: GatewayHealthStatus,
    checkedAt: Date,
  ): Promise<void> {
    try {
      const circuit = (await this.circuit.phases([gateway.id])).get(gateway.id) ?? 'closed';
      await publishStreamMessage<GatewayHealthChange>(this.redis, this.config, 'gateway-health', {
        type: 'gateway.health',
        data: {
          gatewayId: gateway.id,
          code: gateway.code,
          status: sample.status,
          previousStatus,
          circuit,
          successRate: sample.successRate,
          p95LatencyMs: sample.p95LatencyMs,
          attempts: sample.attempts,
          checkedAt: checkedAt.toISOString(),
        },
      });
    } catch (err) {
      this.logger.warn({ err, gatewayId: gateway.id }, 'could not publish the gateway health change');
    }
  }
}
