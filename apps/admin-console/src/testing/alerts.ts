import type { AlertView } from '@lsp/contracts';

/** An alert as the API shows it, open and seen once, with overrides. */
export function alert(id: string, overrides: Partial<AlertView> = {}): AlertView {
  return {
    id,
    object: 'alert',
    fingerprint: `queue-backlog:${id}`,
    severity: 'warning',
    source: 'workers/alert-rules',
    title: `Alert ${id}`,
    message: 'Something needs attention',
    details: {},
    merchantId: null,
    status: 'open',
    count: 1,
    firstSeenAt: '2026-11-26T10:00:00.000Z',
    lastSeenAt: '2026-11-26T10:00:00.000Z',
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    ...overrides,
  };
}
