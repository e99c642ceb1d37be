import type { FastifyReply } from 'fastify';
import { ApiException } from '../core/http/api.exception';
import type { Timed } from './payments.service';

/** The `Idempotency-Key` header (API.md §5): required, 1–`max` characters. */
export function idempotencyKey(value: string | undefined, max = 255): string {
  if (value === undefined || value.length === 0) {
    throw ApiException.invalid(
      'Idempotency-Key',
      `The Idempotency-Key header is required (1–${max} characters)`,
      'idempotency_key_missing',
    );
  }
  if (value.length > max)
    throw ApiException.invalid('Idempotency-Key', `Idempotency-Key must be at most ${max} characters`);
  return value;
}

/**
 * Replays keep the first response's status; `Server-Timing` separates our own time from the gateway's so a slow
 * payment can be attributed at a glance.
 */
export function sendTimed(reply: FastifyReply, started: number, result: Timed<unknown>): unknown {
  const total = performance.now() - started;
  void reply.status(result.status);
  if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
  void reply.header(
    'Server-Timing',
    `app;dur=${Math.max(0, total - result.gatewayMs).toFixed(1)}, gateway;dur=${result.gatewayMs.toFixed(1)}`,
  );
  return result.body;
}
