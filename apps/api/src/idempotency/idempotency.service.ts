import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@lsp/domain';
import { Database, sql } from '@lsp/persistence';
import { ApiException } from '../core/http/api.exception';

const KEY_TTL_HOURS = 24;
// A request that has not finished within this much is presumed crashed; a retry may take its key over.
const LOCK_SECONDS = 60;

export interface IdempotentResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * Stores the final response inside the caller's transaction, so it commits with the state change it reports
 * (one transaction fewer per request). Call it only in the work's last transaction, with the result it returns.
 */
export type Respond = (em: EntityManager, response: { status: number; body: unknown }) => Promise<void>;

/**
 * Creates the request's resource inside the claim's transaction: a key is then never claimed without its resource
 * (or the other way round). `id` is the resource's id, chosen beforehand so a new key row is written bound.
 */
export interface CreateResource {
  id: string;
  insert: (em: EntityManager) => Promise<void>;
}

interface KeyRow {
  request_hash: string;
  resource_id: string | null;
  response_status: number | null;
  response_body: unknown;
  locked: boolean;
  expired: boolean;
}

/**
 * Stripe-style idempotency keys (API.md §5), per merchant, kept 24 h in PostgreSQL. The primary key on
 * (merchant_id, key) is the real guarantee: of N concurrent requests with one key exactly one inserts the row and
 * runs; the others see it in progress (409) or, once finished, get the stored response replayed.
 *
 * The resource is bound to the key in the transaction that creates it — the claim's own when the caller passes
 * `create`, else the work's (`bindResource`) — so a request that crashes after creating the payment but before
 * storing the response is resumed — not duplicated — by the client's retry once the lock lapses. The work may store
 * the response in its last transaction (`respond`) instead of a transaction of its own.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly db: Database) {}

  static hashRequest(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(canonicalJson({ method, path, body })).digest('hex');
  }

  async run(
    merchantId: string,
    key: string,
    requestHash: string,
    work: (resourceId: string | null, respond: Respond) => Promise<{ status: number; body: unknown }>,
    create?: CreateResource,
  ): Promise<IdempotentResult> {
    const claim = await this.db.merchant(merchantId, async (em) => {
      const claimed = await this.claim(em, merchantId, key, requestHash, create?.id);
      if (claimed.kind !== 'run' || !create || claimed.resourceId !== null) return claimed;
      // A new key (or one taken over with nothing created): the resource and its binding commit with the claim.
      await create.insert(em);
      if (!claimed.bound) await this.bindResource(em, merchantId, key, create.id);
      return { ...claimed, resourceId: create.id };
    });
    if (claim.kind === 'replay') return { status: claim.status, body: claim.body, replayed: true };
    let result: { status: number; body: unknown };
    let responded = false;
    const respond: Respond = async (em, response) => {
      await this.storeResponse(em, merchantId, key, response);
      responded = true;
    };
    try {
      result = await work(claim.resourceId, respond);
    } catch (e) {
      // Nothing durable happened unless a resource was bound: then keep the key and let a retry resume at once.
      await this.db.merchant(merchantId, async (em) => {
        await sql(em, `DELETE FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 AND resource_id IS NULL`, [
          merchantId,
          key,
        ]);
        await sql(em, `UPDATE idempotency_keys SET locked_until = now() WHERE merchant_id = $1 AND key = $2`, [
          merchantId,
          key,
        ]);
      });
      throw e;
    }
    // The work returned normally, so the transaction it responded in has committed.
    if (!responded) await this.db.merchant(merchantId, (em) => this.storeResponse(em, merchantId, key, result));
    return { ...result, replayed: false };
  }

  private async storeResponse(
    em: EntityManager,
    merchantId: string,
    key: string,
    response: { status: number; body: unknown },
  ): Promise<void> {
    await sql(
      em,
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4, locked_until = NULL WHERE merchant_id = $1 AND key = $2`,
      [merchantId, key, response.status, JSON.stringify(response.body)],
    );
  }

  /** Inside the work's own transaction: ties the created resource to the key, atomically with its creation. */
  async bindResource(em: EntityManager, merchantId: string, key: string, resourceId: string): Promise<void> {
    await sql(em, `UPDATE idempotency_keys SET resource_id = $3 WHERE merchant_id = $1 AND key = $2`, [
      merchantId,
      key,
      resourceId,
    ]);
  }

  private async claim(
    em: EntityManager,
    merchantId: string,
    key: string,
    requestHash: string,
    newResourceId: string | undefined,
  ): Promise<
    { kind: 'run'; resourceId: string | null; bound: boolean } | { kind: 'replay'; status: number; body: unknown }
  > {
    // Bound to the resource the caller creates next in this same transaction; a concurrent request with the same
    // key waits on this uncommitted row and then sees it (in progress or replayable), as after a separate commit.
    const inserted = await sql(
      em,
      `INSERT INTO idempotency_keys (merchant_id, key, request_hash, locked_until, expires_at, resource_id)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4), now() + make_interval(hours => $5), $6)
       ON CONFLICT DO NOTHING RETURNING key`,
      [merchantId, key, requestHash, LOCK_SECONDS, KEY_TTL_HOURS, newResourceId ?? null],
    );
    if (inserted.length) return { kind: 'run', resourceId: null, bound: newResourceId !== undefined };

    const [row] = await sql<KeyRow>(
      em,
      `SELECT request_hash, resource_id, response_status, response_body,
              coalesce(locked_until > now(), false) AS locked, expires_at <= now() AS expired
         FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 FOR UPDATE`,
      [merchantId, key],
    );
    if (!row)
      throw ApiException.conflict('idempotency_key_in_use', 'This Idempotency-Key is being processed; retry shortly');
    if (row.expired) {
      // Past its 24 hours a key is free again: this request starts afresh under it.
      await sql(
        em,
        `UPDATE idempotency_keys SET request_hash = $3, resource_id = NULL, response_status = NULL, response_body = NULL,
                locked_until = now() + make_interval(secs => $4), created_at = now(), expires_at = now() + make_interval(hours => $5)
          WHERE merchant_id = $1 AND key = $2`,
        [merchantId, key, requestHash, LOCK_SECONDS, KEY_TTL_HOURS],
      );
      return { kind: 'run', resourceId: null, bound: false };
    }
    if (row.request_hash !== requestHash) {
      throw new ApiException(
        'idempotency_error',
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request',
        { param: 'Idempotency-Key' },
      );
    }
    if (row.response_status !== null) return { kind: 'replay', status: row.response_status, body: row.response_body };
    if (row.locked) {
      throw ApiException.conflict(
        'idempotency_key_in_progress',
        'A request with this Idempotency-Key is still in progress',
      );
    }
    // The first request crashed: take the key over and resume from whatever it created.
    await sql(
      em,
      `UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => $3) WHERE merchant_id = $1 AND key = $2`,
      [merchantId, key, LOCK_SECONDS],
    );
    return { kind: 'run', resourceId: row.resource_id, bound: row.resource_id !== null };
  }
}
