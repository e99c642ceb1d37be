import { newId } from '@lsp/domain';
import { type Database, sql } from '@lsp/persistence';
import { type AppConfig, SecretBox } from '@lsp/platform';
import { generateWebhookSecret } from '@lsp/webhooks';

export interface TestEndpoint {
  id: string;
  secret: string;
}

/** An enabled endpoint subscribed to every payment event, its secret sealed as the API seals it. */
export async function createEndpoint(
  db: Database,
  config: AppConfig,
  merchantId: string,
  url: string,
  overrides: { previousSecret?: string; previousExpiresAt?: Date; failingSince?: Date; eventTypes?: string[] } = {},
): Promise<TestEndpoint> {
  const box = new SecretBox(config.encryptionKeys);
  const secret = generateWebhookSecret();
  const id = newId('webhookEndpoint');
  await db.merchant(merchantId, (em) =>
    sql(
      em,
      `INSERT INTO webhook_endpoints (id, merchant_id, url, event_types, secret_sealed, previous_secret_sealed,
                                      previous_secret_expires_at, failing_since)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        merchantId,
        url,
        overrides.eventTypes ?? ['payment.created', 'payment.captured', 'payment.failed'],
        box.seal(secret),
        overrides.previousSecret ? box.seal(overrides.previousSecret) : null,
        overrides.previousSecret ? (overrides.previousExpiresAt ?? new Date(Date.now() + 3600_000)) : null,
        overrides.failingSince ?? null,
      ],
    ),
  );
  return { id, secret };
}
