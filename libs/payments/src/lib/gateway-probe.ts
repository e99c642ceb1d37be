import { type GatewayAdapter, type GatewayContext, type HealthCheckResult, boundedCall } from '@lsp/gateways';

/** Upper bound of one probe whatever GATEWAY_TIMEOUT says: an admin, or the next health tick, is waiting. */
export const PROBE_TIMEOUT_MS = 5_000;

/**
 * The same harmless call `POST /admin/gateways/:id/test` makes (an auth check or the status of a known id),
 * bounded in time; an adapter that throws counts as a failed probe, never as an error of the caller.
 */
export function probeGateway(adapter: GatewayAdapter, context: GatewayContext): Promise<HealthCheckResult> {
  const timeoutMs = Math.min(context.timeoutMs, PROBE_TIMEOUT_MS);
  return boundedCall(timeoutMs + 500, () => adapter.healthCheck({ ...context, timeoutMs }), {
    timeout: () => ({ ok: false, latencyMs: timeoutMs, errorClass: 'timeout' }),
    error: () => ({ ok: false, latencyMs: 0, errorClass: 'adapter_error' }),
  });
}
