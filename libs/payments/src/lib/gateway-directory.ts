import type { GatewayProvider } from '@lsp/gateways';
import { type Database, sql } from '@lsp/persistence';
import type { SecretBox } from '@lsp/platform';
import type { RoutableGateway } from './routing';

export interface GatewayRecord extends RoutableGateway {
  id: string;
  name: string;
  provider: GatewayProvider;
  config: Record<string, unknown>;
  credentials: Record<string, string>;
  webhookSecret: string;
}

interface GatewayDbRow {
  id: string;
  code: string;
  name: string;
  provider: GatewayProvider;
  priority: number;
  enabled: boolean;
  currencies: string[];
  methods: string[];
  config: Record<string, unknown>;
  secrets_encrypted: string;
  health_status: 'healthy' | 'degraded' | 'down';
}

/**
 * The gateways, decrypted, cached for a moment per process: routing reads them on every payment and they change
 * rarely. A change made through the admin API is seen within `cacheMs` by every process.
 */
export class GatewayDirectory {
  private cached: { at: number; gateways: GatewayRecord[] } | null = null;

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly cacheMs = 2000,
  ) {}

  async all(): Promise<GatewayRecord[]> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.gateways;
    const rows = await this.db.platform((em) =>
      sql<GatewayDbRow>(em, `SELECT * FROM gateways WHERE deleted_at IS NULL ORDER BY priority, code`),
    );
    const gateways = rows.map((r) => this.decode(r));
    this.cached = { at: Date.now(), gateways };
    return gateways;
  }

  async byCode(code: string): Promise<GatewayRecord | undefined> {
    return (await this.all()).find((g) => g.code === code);
  }

  async byId(id: string): Promise<GatewayRecord | undefined> {
    const found = (await this.all()).find((g) => g.id === id);
    if (found) return found;
    // A soft-deleted gateway still owns its old attempts (late callbacks, status queries).
    const rows = await this.db.platform((em) => sql<GatewayDbRow>(em, `SELECT * FROM gateways WHERE id = $1`, [id]));
    return rows[0] ? this.decode(rows[0]) : undefined;
  }

  invalidate(): void {
    this.cached = null;
  }

  private decode(r: GatewayDbRow): GatewayRecord {
    const secrets = JSON.parse(this.box.open(r.secrets_encrypted)) as {
      credentials: Record<string, string>;
      webhookSecret: string;
    };
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      provider: r.provider,
      priority: r.priority,
      enabled: r.enabled,
      currencies: r.currencies,
      methods: r.methods,
      config: r.config,
      healthStatus: r.health_status,
      credentials: secrets.credentials,
      webhookSecret: secrets.webhookSecret,
    };
  }
}
