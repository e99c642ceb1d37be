import { InjectionToken } from '@angular/core';
import type { GatewayHealthEntry, GatewayView } from '@lsp/contracts';
import type { GatewayHealthStreamData, LiveHealth } from './gateway-types';

/** The `event:` name of health changes on the `gateway-health` stream. */
export const GATEWAY_HEALTH_EVENT = 'gateway.health';

/** How often health is re-read over HTTP while the stream is not connected (shortened in unit tests). */
export const HEALTH_POLL_INTERVAL_MS = new InjectionToken<number>('HEALTH_POLL_INTERVAL_MS', {
  providedIn: 'root',
  factory: () => 15_000,
});

export function healthFromView(gateway: GatewayView): LiveHealth {
  return { ...gateway.health };
}

/**
 * Stream messages are at-least-once and polls can cross them in flight, so a figure checked earlier than the
 * one on screen never replaces it.
 */
function isOlder(incoming: string | null, current: LiveHealth | undefined): boolean {
  return !!current?.checkedAt && !!incoming && incoming < current.checkedAt;
}

export function applyStreamHealth(current: LiveHealth | undefined, data: GatewayHealthStreamData): LiveHealth {
  if (current && isOlder(data.checkedAt, current)) {
    return current;
  }
  return {
    status: data.status,
    successRate: data.successRate,
    p95LatencyMs: data.p95LatencyMs,
    checkedAt: data.checkedAt,
    circuit: data.circuit,
    attempts: data.attempts,
  };
}

/**
 * A poll reads the circuit from Redis as of the request; when Redis could not tell (null), the circuit stays as
 * the stream last said.
 */
export function applyPolledHealth(current: LiveHealth | undefined, entry: GatewayHealthEntry): LiveHealth {
  if (current && isOlder(entry.checkedAt, current)) {
    return current;
  }
  return {
    status: entry.status,
    successRate: entry.successRate,
    p95LatencyMs: entry.p95LatencyMs,
    checkedAt: entry.checkedAt,
    circuit: entry.circuit ?? current?.circuit ?? null,
    attempts: entry.attempts,
  };
}

export function isGatewayHealthData(value: unknown): value is GatewayHealthStreamData {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const data = value as Partial<GatewayHealthStreamData>;
  return typeof data.gatewayId === 'string' && typeof data.status === 'string';
}
