import { Inject, Injectable } from '@nestjs/common';
import { Database, sql } from '@lsp/persistence';
import { type AppConfig, type Logger, SecretBox } from '@lsp/platform';
import type { ReencryptGatewaySecretsPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';

/** Rows per transaction: short locks, so admin edits and routing reads never wait long. */
export const REENCRYPT_BATCH_SIZE = 100;

export interface ReencryptResult {
  keyVersion: string;
  reencrypted: number;
  /** Rows sealed under a key version this process does not have (left as they are, and logged). */
  unreadable: string[];
}

/**
 * Moves every gateway's secrets (soft-deleted rows too: they still hold credentials) to the newest ENCRYPTION_KEYS
 * key, in batches, so an old key can be retired. Rows locked by an admin edit are skipped (SKIP LOCKED): that edit
 * re-seals under the newest key anyway. Safe to run twice or concurrently; only ciphertext changes, never content.
 */
@Injectable()
@ProcessesJob('gateways', 'reencrypt-gateway-secrets')
export class ReencryptGatewaySecretsProcessor implements JobProcessor<'gateways', 'reencrypt-gateway-secrets'> {
  private readonly box: SecretBox;
  private readonly newest: string;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.box = new SecretBox(config.encryptionKeys);
    this.newest = config.encryptionKeys[config.encryptionKeys.length - 1].version;
  }

  async process(payload: ReencryptGatewaySecretsPayload): Promise<ReencryptResult> {
    const result: ReencryptResult = { keyVersion: this.newest, reencrypted: 0, unreadable: [] };
    for (;;) {
      const moved = await this.db.platform(async (em) => {
        const rows = await sql<{ id: string; secrets_encrypted: string }>(
          em,
          `SELECT id, secrets_encrypted FROM gateways
            WHERE split_part(secrets_encrypted, ':', 1) <> $1 AND NOT (id = ANY($2))
            ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
          [this.newest, result.unreadable, REENCRYPT_BATCH_SIZE],
        );
        let sealed = 0;
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = this.box.open(row.secrets_encrypted);
          } catch {
            result.unreadable.push(row.id);
            continue;
          }
          await sql(em, `UPDATE gateways SET secrets_encrypted = $2 WHERE id = $1`, [row.id, this.box.seal(plaintext)]);
          sealed++;
        }
        return { rows: rows.length, sealed };
      });
      result.reencrypted += moved.sealed;
      if (moved.rows < REENCRYPT_BATCH_SIZE) break;
    }
    if (result.unreadable.length) {
      this.logger.error(
        { unreadable: result.unreadable, keyVersion: this.newest },
        'gateway secrets sealed under a key this process does not have; add the key to ENCRYPTION_KEYS and run again',
      );
    }
    this.logger.info(
      { reencrypted: result.reencrypted, keyVersion: this.newest, trigger: payload.trigger, by: payload.requestedBy },
      'gateway secrets re-encrypted',
    );
    return result;
  }
}
