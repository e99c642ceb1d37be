import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  CreatedGateway,
  GatewayCircuitState,
  GatewayHealthEntry,
  GatewayHealthHistory,
  GatewayPriorityUpdate,
  GatewayProviderName,
  GatewayReencryptRequested,
  GatewayTestResult,
  GatewayView,
  ListResponse,
} from '@lsp/contracts';
import { isCurrency, isId, newId } from '@lsp/domain';
import { adapterFor, sandboxConfigProblems } from '@lsp/gateways';
import { RedisGatewayCircuit, probeGateway } from '@lsp/payments';
import { Database } from '@lsp/persistence';
import { type AppConfig, SecretBox } from '@lsp/platform';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { resolveTimeRange } from '../core/http/time-range';
import { APP_CONFIG } from '../core/infra/tokens';
import type { CreateGatewayDto, UpdateGatewayDto } from './dto/gateway.dto';
import { GatewayCacheInvalidation } from './gateway-cache-invalidation';
import { phonePeMode, validateCredentials, validateWebhookAuth } from './gateway-credentials';
import { GatewayJobs } from './gateway-jobs';
import { type GatewayLiveHealth, type GatewaySecrets, toGatewayView, toHealthEntry } from './gateway.views';
import { type GatewayRow, GatewaysRepository } from './gateways.repository';

const DAY_MS = 24 * 3600_000;
/** The longest history range one request may ask for, and the most points it answers with. */
const HISTORY_MAX_RANGE_MS = 31 * DAY_MS;
const HISTORY_MAX_POINTS = 1440;

@Injectable()
export class GatewaysService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: Database,
    private readonly repo: GatewaysRepository,
    private readonly audit: AuditService,
    private readonly cache: GatewayCacheInvalidation,
    private readonly circuit: RedisGatewayCircuit,
    private readonly jobs: GatewayJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.encryptionKeys);
  }

  async list(): Promise<ListResponse<GatewayView>> {
    const data = await this.db.platform(async (em) => {
      const rows = await this.repo.list(em);
      const live = await this.liveHealth(em, rows);
      return rows.map((r) => this.view(r, live.get(r.id)));
    });
    return { object: 'list', data, hasMore: false };
  }

  get(id: string): Promise<GatewayView> {
    return this.db.platform(async (em) => {
      const row = await this.repo.find(em, id);
      if (!row) throw ApiException.notFound('gateway', id);
      return this.view(row, (await this.liveHealth(em, [row])).get(row.id));
    });
  }

  async health(): Promise<ListResponse<GatewayHealthEntry>> {
    const data = await this.db.platform(async (em) => {
      const rows = await this.repo.list(em);
      const live = await this.liveHealth(em, rows);
      return rows.map((r) => toHealthEntry(r, live.get(r.id) ?? { circuit: null }));
    });
    return { object: 'list', data, hasMore: false };
  }

  /** The collector's samples for the console chart: `[from, to)`, default the last 24 h, oldest first. */
  async healthHistory(id: string, query: { from?: string; to?: string }): Promise<GatewayHealthHistory> {
    const { from, to } = resolveTimeRange(query.from, query.to, {
      defaultSpanMs: DAY_MS,
      maxSpanMs: HISTORY_MAX_RANGE_MS,
      maxSpanText: '31 days',
    });
    // Never finer than one tick: a bucket then holds one sample and the answer is the raw history.
    const bucketMs = Math.max(
      this.config.gatewayHealthIntervalMs,
      Math.ceil((to.getTime() - from.getTime()) / HISTORY_MAX_POINTS),
    );
    const rows = await this.db.platform(async (em) => {
      if (!(await this.repo.find(em, id))) throw ApiException.notFound('gateway', id);
      return this.repo.healthHistory(em, id, from, to, bucketMs);
    });
    return {
      data: rows.map((r) => ({
        at: r.at.toISOString(),
        status: r.status,
        successRate: r.success_rate,
        p95LatencyMs: r.p95_latency_ms,
        attempts: r.attempts,
        failures: r.failures,
        probeLatencyMs: r.probe_latency_ms,
        probeError: r.probe_error,
      })),
    };
  }

  /**
   * Queues the re-encryption of every gateway's secrets under the newest ENCRYPTION_KEYS key (the workers run it
   * in batches) and audits the request. The answer says how many gateways are still under an older key.
   */
  async requestReencryption(actor: Actor): Promise<GatewayReencryptRequested> {
    const keyVersion = this.config.encryptionKeys[this.config.encryptionKeys.length - 1].version;
    const pending = await this.db.platform((em) => this.repo.sealedUnderOtherKeys(em, keyVersion));
    const jobId = await this.jobs.requestReencryption(actor.actorId ?? 'unknown');
    await this.db.platform((em) =>
      this.audit.record(em, actor, {
        action: 'gateway.reencrypt',
        objectType: 'gateway',
        objectId: null,
        before: null,
        after: { jobId, keyVersion, pending },
      }),
    );
    return { jobId, queue: 'gateways', keyVersion, pending };
  }

  async create(input: CreateGatewayDto, actor: Actor): Promise<CreatedGateway> {
    const config = validateConfig(input.provider, input.config ?? {});
    const credentials = validateCredentials(input.provider, input.credentials, config);
    validateWebhookAuth(input.provider, config, credentials, input.webhookSecret);
    validateCurrencies(input.currencies);
    const webhookSecret = input.webhookSecret ?? randomBytes(32).toString('base64url');
    const view = await this.db.platform(async (em) => {
      if (await this.repo.codeTaken(em, input.code)) throw codeTaken(input.code);
      const row = await this.repo
        .insert(em, newId('gateway'), {
          code: input.code,
          name: input.name.trim(),
          provider: input.provider,
          priority: input.priority,
          enabled: input.enabled ?? true,
          currencies: input.currencies,
          methods: input.methods,
          config,
          secrets_encrypted: this.seal({ credentials, webhookSecret }),
        })
        .catch((e: unknown) => rethrowUniqueCode(e, input.code));
      const created = this.view(row);
      // Only the masked view reaches the audit log: it is readable by every admin, forever.
      await this.audit.record(em, actor, {
        action: 'gateway.create',
        objectType: 'gateway',
        objectId: created.id,
        before: null,
        after: created,
      });
      return created;
    });
    await this.cache.publish();
    // The one and only time the webhook secret leaves the platform.
    return { ...(await this.withCircuit(view)), webhookSecret };
  }

  async update(id: string, patch: UpdateGatewayDto, actor: Actor): Promise<GatewayView> {
    if (patch.currencies) validateCurrencies(patch.currencies);
    const view = await this.db.platform(async (em) => {
      const before = await this.repo.find(em, id, true);
      if (!before) throw ApiException.notFound('gateway', id);
      const secrets = this.open(before);
      const config = patch.config === undefined ? before.config : validateConfig(before.provider, patch.config);
      const credentials =
        patch.credentials === undefined
          ? secrets.credentials
          : validateCredentials(before.provider, patch.credentials, config);
      if (patch.config !== undefined || patch.credentials !== undefined || patch.webhookSecret !== undefined) {
        // A new mode must still fit the saved credentials, and the result must still receive webhooks.
        if (patch.credentials === undefined) validateCredentials(before.provider, credentials, config);
        validateWebhookAuth(
          before.provider,
          config,
          credentials,
          patch.webhookSecret ?? secrets.webhookSecret,
          patch.webhookSecret !== undefined,
        );
      }
      const code = patch.code ?? before.code;
      if (code !== before.code && (await this.repo.codeTaken(em, code, id))) throw codeTaken(code);
      const after = await this.repo
        .update(em, id, {
          code,
          name: patch.name?.trim() ?? before.name,
          priority: patch.priority ?? before.priority,
          enabled: patch.enabled ?? before.enabled,
          currencies: patch.currencies ?? before.currencies,
          methods: patch.methods ?? before.methods,
          config,
          // Always re-sealed: the newest key, so every edit also moves the row forward in a key rotation.
          secrets_encrypted: this.seal({ credentials, webhookSecret: patch.webhookSecret ?? secrets.webhookSecret }),
        })
        .catch((e: unknown) => rethrowUniqueCode(e, code));
      const [beforeView, afterView] = [this.view(before), this.view(after)];
      await this.audit.record(em, actor, {
        action:
          before.enabled !== after.enabled ? (after.enabled ? 'gateway.enable' : 'gateway.disable') : 'gateway.update',
        objectType: 'gateway',
        objectId: id,
        before: beforeView,
        after: afterView,
      });
      return afterView;
    });
    await this.cache.publish();
    return this.withCircuit(view);
  }

  async remove(id: string, actor: Actor): Promise<{ id: string; object: 'gateway'; deleted: true }> {
    await this.db.platform(async (em) => {
      const before = await this.repo.find(em, id, true);
      if (!before) throw ApiException.notFound('gateway', id);
      // Open payments still need this gateway for their callback or status query.
      if (await this.repo.hasPaymentsInFlight(em, id)) {
        throw ApiException.conflict(
          'gateway_in_use',
          'Payments are still in flight at this gateway; retry once they settle',
        );
      }
      const after = await this.repo.softDelete(em, id);
      await this.audit.record(em, actor, {
        action: 'gateway.delete',
        objectType: 'gateway',
        objectId: id,
        before: this.view(before),
        after: this.view(after),
      });
    });
    await this.cache.publish();
    return { id, object: 'gateway', deleted: true };
  }

  /** All-or-nothing: every row is locked, the result is checked for collisions, then written in one transaction. */
  async setPriorities(body: unknown, actor: Actor): Promise<ListResponse<GatewayView>> {
    const updates = validatePriorityUpdates(body);
    const data = await this.db.platform(async (em) => {
      const rows = await this.repo.lockAll(em);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const resulting = new Map(rows.map((r) => [r.id, r.priority]));
      updates.forEach((u, i) => {
        if (!byId.has(u.id)) throw ApiException.invalid(`[${i}].id`, `No such gateway: '${u.id}'`, 'resource_missing');
        resulting.set(u.id, u.priority);
      });
      for (const u of updates) {
        const clash = [...resulting].find(([otherId, p]) => otherId !== u.id && p === u.priority);
        if (clash) {
          throw new ApiException(
            'conflict',
            'priority_collision',
            `Priority ${u.priority} would be shared by ${byId.get(u.id)?.code} and ${byId.get(clash[0])?.code}`,
            { param: 'priority' },
          );
        }
      }
      for (const u of updates) {
        const before = byId.get(u.id) as GatewayRow;
        if (before.priority === u.priority) continue;
        const after = await this.repo.setPriority(em, u.id, u.priority);
        await this.audit.record(em, actor, {
          action: 'gateway.priority',
          objectType: 'gateway',
          objectId: u.id,
          before: this.view(before),
          after: this.view(after),
        });
      }
      const fresh = await this.repo.list(em);
      const live = await this.liveHealth(em, fresh);
      return fresh.map((r) => this.view(r, live.get(r.id)));
    });
    await this.cache.publish();
    return { object: 'list', data, hasMore: false };
  }

  /** A real, harmless call through the adapter (auth check / status of a known id), bounded in time. */
  async test(id: string, actor: Actor): Promise<GatewayTestResult> {
    const row = await this.db.platform((em) => this.repo.find(em, id));
    if (!row) throw ApiException.notFound('gateway', id);
    const secrets = this.open(row);
    const base = this.config.publicBaseUrl;
    // The same probe the health collector makes every tick.
    const outcome = await probeGateway(adapterFor(row.provider), {
      code: row.code,
      provider: row.provider,
      config: row.config,
      credentials: secrets.credentials,
      webhookSecret: secrets.webhookSecret,
      timeoutMs: this.config.gatewayTimeoutMs,
      callbackUrl: `${base}/api/v1/webhooks/gateways/${row.code}`,
      publicBaseUrl: base,
    });
    const result: GatewayTestResult = { ok: outcome.ok, latencyMs: outcome.latencyMs };
    if (!outcome.ok) result.errorClass = outcome.errorClass ?? 'unknown';
    await this.db.platform((em) =>
      this.audit.record(em, actor, {
        action: 'gateway.test',
        objectType: 'gateway',
        objectId: id,
        before: null,
        after: { code: row.code, ...result },
      }),
    );
    return result;
  }

  /** Views written to the audit log carry no live figures: the circuit is not part of the change. */
  private view(row: GatewayRow, live: GatewayLiveHealth = { circuit: null }): GatewayView {
    return toGatewayView(row, this.open(row), live);
  }

  private open(row: GatewayRow): GatewaySecrets {
    return JSON.parse(this.box.open(row.secrets_encrypted)) as GatewaySecrets;
  }

  private seal(secrets: GatewaySecrets): string {
    return this.box.seal(JSON.stringify(secrets));
  }

  private async withCircuit(view: GatewayView): Promise<GatewayView> {
    const circuit = (await this.circuit.phases([view.id])).get(view.id) ?? null;
    return { ...view, health: { ...view.health, circuit } };
  }

  private async liveHealth(em: EntityManager, rows: GatewayRow[]): Promise<Map<string, GatewayLiveHealth>> {
    const ids = rows.map((r) => r.id);
    // Recent attempts only matter for gateways the collector has not checked yet.
    const unchecked = rows.filter((r) => r.health_checked_at === null).map((r) => r.id);
    const [stats, circuits] = await Promise.all([this.repo.stats(em, unchecked), this.circuit.phases(ids)]);
    const byId = new Map(stats.map((s) => [s.gateway_id, s]));
    return new Map(
      ids.map((id) => [id, { stats: byId.get(id), circuit: (circuits.get(id) ?? null) as GatewayCircuitState | null }]),
    );
  }
}

function validateConfig(provider: GatewayProviderName, config: Record<string, unknown>): Record<string, unknown> {
  if (provider === 'sandbox') {
    const [problem] = sandboxConfigProblems(config);
    if (problem) throw ApiException.invalid(problem.split(' ')[0], problem);
  }
  if (provider === 'phonepe') phonePeMode(config);
  if (JSON.stringify(config).length > 10_000) throw ApiException.invalid('config', 'config is too large');
  return config;
}

function validateCurrencies(currencies: string[]): void {
  currencies.forEach((c, i) => {
    if (!isCurrency(c))
      throw ApiException.invalid(`currencies[${i}]`, `currencies[${i}] is not a supported ISO 4217 code`);
  });
}

function validatePriorityUpdates(body: unknown): GatewayPriorityUpdate[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > 100) {
    throw ApiException.invalid('body', 'The body must be a non-empty array of {id, priority}');
  }
  const seen = new Set<string>();
  return body.map((item: unknown, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const extra = Object.keys(entry).find((k) => k !== 'id' && k !== 'priority');
    if (extra) throw ApiException.invalid(`[${i}].${extra}`, `Unknown field '[${i}].${extra}'`);
    const { id, priority } = entry;
    if (typeof id !== 'string' || !isId('gateway', id))
      throw ApiException.invalid(`[${i}].id`, `[${i}].id must be a gateway id`);
    if (seen.has(id)) throw ApiException.invalid(`[${i}].id`, `Gateway '${id}' appears twice`);
    seen.add(id);
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 100_000) {
      throw ApiException.invalid(`[${i}].priority`, `[${i}].priority must be an integer from 0 to 100000`);
    }
    return { id, priority };
  });
}

function codeTaken(code: string): ApiException {
  return new ApiException('conflict', 'gateway_code_taken', `A gateway with code '${code}' already exists`, {
    param: 'code',
  });
}

/** The partial unique index is the real guard against two concurrent creates with one code. */
function rethrowUniqueCode(e: unknown, code: string): never {
  if ((e as { driverError?: { constraint?: string } }).driverError?.constraint === 'gateways_code_key')
    throw codeTaken(code);
  if ((e as { constraint?: string }).constraint === 'gateways_code_key') throw codeTaken(code);
  throw e;
}
