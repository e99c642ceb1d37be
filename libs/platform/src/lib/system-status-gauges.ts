import { Gauge, type Registry } from 'prom-client';

/** What the gauges read of a system status snapshot (API.md §10 `GET /admin/system-status`). */
export interface StatusForGauges {
  status: string;
  checkedAt: string;
  components: { name: string; kind: string; status: string }[];
}

const LEVELS: Record<string, number> = { operational: 0, degraded: 1, down: 2 };
const NAMES = ['lsp_system_status', 'lsp_system_component_status', 'lsp_system_status_age_seconds'] as const;

/**
 * Exports the latest system status as Prometheus gauges, read from `load` at scrape time so every process (API
 * replicas and workers alike) reports the one status the checker last wrote: `lsp_system_status` (0 operational,
 * 1 degraded, 2 down — 2 as well when no status is known), `lsp_system_component_status{component,kind}` and
 * `lsp_system_status_age_seconds`. Registering again replaces the previous loader.
 */
export function registerSystemStatusGauges(registry: Registry, load: () => Promise<StatusForGauges | null>): void {
  for (const name of NAMES) registry.removeSingleMetric(name);
  // A scrape collects the gauges in registration order: the first reads the status, the other two reuse it.
  let cached: Promise<StatusForGauges | null> = Promise.resolve(null);
  const refresh = (): Promise<StatusForGauges | null> => (cached = load().catch(() => null));
  const current = (): Promise<StatusForGauges | null> => cached;

  new Gauge({
    name: 'lsp_system_status',
    help: 'Overall platform status: 0 operational, 1 degraded, 2 down (also when unknown)',
    registers: [registry],
    async collect() {
      const status = await refresh();
      this.set(status ? (LEVELS[status.status] ?? 2) : 2);
    },
  });
  new Gauge({
    name: 'lsp_system_component_status',
    help: 'Status per component of the last system status check: 0 operational, 1 degraded, 2 down',
    labelNames: ['component', 'kind'] as const,
    registers: [registry],
    async collect() {
      const status = await current();
      this.reset();
      for (const c of status?.components ?? []) {
        this.set({ component: c.name, kind: c.kind }, LEVELS[c.status] ?? 2);
      }
    },
  });
  new Gauge({
    name: 'lsp_system_status_age_seconds',
    help: 'Seconds since the system status was last checked (-1 when never)',
    registers: [registry],
    async collect() {
      const status = await current();
      this.set(status ? Math.max(0, (Date.now() - Date.parse(status.checkedAt)) / 1000) : -1);
    },
  });
}
