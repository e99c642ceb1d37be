import type { ComponentStatus, SystemComponent, SystemStatusView } from '@lsp/contracts';

const RANK: Record<ComponentStatus, number> = { down: 0, degraded: 1, operational: 2 };
const KIND_ORDER: SystemComponent['kind'][] = [
  'checker',
  'postgresql',
  'redis',
  'outbox',
  'queue',
  'worker',
  'gateway',
];
const KIND_LABELS: Record<SystemComponent['kind'], string> = {
  checker: 'Status checker',
  postgresql: 'PostgreSQL',
  redis: 'Redis',
  outbox: 'Outbox',
  queue: 'Queues',
  worker: 'Workers',
  gateway: 'Gateways',
};

export interface ComponentGroup {
  kind: SystemComponent['kind'];
  label: string;
  /** The worst status in the group. */
  status: ComponentStatus;
  components: SystemComponent[];
}

export function isSystemStatus(value: unknown): value is SystemStatusView {
  const v = value as Partial<SystemStatusView> | null;
  return !!v && typeof v.status === 'string' && typeof v.checkedAt === 'string' && Array.isArray(v.components);
}

/**
 * Components grouped by kind in a fixed reading order (infrastructure first), each group's worst component
 * first, so what needs attention is at the top of its group.
 */
export function groupComponents(view: SystemStatusView): ComponentGroup[] {
  const groups = new Map<SystemComponent['kind'], SystemComponent[]>();
  for (const component of view.components) {
    groups.set(component.kind, [...(groups.get(component.kind) ?? []), component]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([kind, components]) => {
      const sorted = [...components].sort((a, b) => RANK[a.status] - RANK[b.status] || a.name.localeCompare(b.name));
      return { kind, label: KIND_LABELS[kind] ?? kind, status: sorted[0]?.status ?? 'operational', components: sorted };
    });
}

function order(kind: SystemComponent['kind']): number {
  const index = KIND_ORDER.indexOf(kind);
  return index === -1 ? KIND_ORDER.length : index;
}

/** A component's metrics as label/value pairs; nulls read "—". */
export function metricEntries(metrics: SystemComponent['metrics']): { key: string; value: string }[] {
  return Object.entries(metrics).map(([key, value]) => ({
    key,
    value: value === null ? '—' : typeof value === 'number' ? new Intl.NumberFormat('en-US').format(value) : value,
  }));
}

/** The object a component is about, when the audit log can show its history (queues are audited). */
export function auditTarget(component: SystemComponent): { objectType: string; objectId: string } | null {
  if (component.kind === 'queue' && component.name.startsWith('queue:')) {
    return { objectType: 'queue', objectId: component.name.slice('queue:'.length) };
  }
  return null;
}
