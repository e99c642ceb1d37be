import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Database, recordEvent } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { DeliverWebhookProcessor } from '../src/webhooks/deliver-webhook.processor';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { createEndpoint } from './factories/webhook-endpoint.factory';
import { bootWorkers, clearPrefix, testConfig } from './helpers';
import { WebhookReceiver } from './webhook-receiver';

/*
 * The delivery-time SSRF guard, as production runs it (private targets not allowed): a merchant's host name may
 * resolve, by the time of a delivery, to our own network. The DNS answer is the test's choice here.
 */
describe('webhook deliveries to a host name that resolves to a private address', () => {
  const config = testConfig('webhook-ssrf', {
    WORKER_QUEUES: 'events,webhooks',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
    // One attempt: a refused target is a failed attempt like any other, retried by the schedule.
    WEBHOOK_RETRY_SCHEDULE: '0',
    WEBHOOK_TIMEOUT: '2s',
  });
  let app: INestApplicationContext;
  let db: Database;
  let owner: Client;
  let receiver: WebhookReceiver;
  let merchantId: string;

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner, 'Rebinding Shop');
    receiver = await WebhookReceiver.start();
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
    db = app.get(Database);
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    await owner.end();
    await clearPrefix(config);
  });

  it.each(['127.0.0.1', '10.0.0.7', '169.254.169.254'])(
    'refuses the delivery when the name resolves to %s: a target_refused attempt, nothing reaches the receiver',
    async (address) => {
      const port = new URL(receiver.url).port;
      const path = `/via-${address}`;
      const endpoint = await createEndpoint(db, config, merchantId, `http://hooks.merchant.example:${port}${path}`, {
        eventTypes: ['refund.succeeded'],
      });
      const asked: string[] = [];
      app.get(DeliverWebhookProcessor).resolveHost = async (host) => {
        asked.push(host);
        return [{ address, family: 4 }];
      };
      const eventId = await db.merchant(merchantId, (em) =>
        recordEvent(em, outboxEvent({ merchantId, type: 'refund.succeeded' })),
      );
      const { rows } = await eventually(async () => {
        const result = await owner.query(
          `SELECT d.status, a.outcome, a.response_status, a.error_class
             FROM webhook_deliveries d JOIN webhook_delivery_attempts a ON a.delivery_id = d.id
            WHERE d.event_id = $1 AND d.endpoint_id = $2`,
          [eventId, endpoint.id],
        );
        return result.rows.length > 0 ? result : undefined;
      });
      expect(rows).toEqual([
        { status: 'failed', outcome: 'failed', response_status: null, error_class: 'target_refused' },
      ]);
      expect(asked).toContain('hooks.merchant.example');
      expect(receiver.forPath(path)).toHaveLength(0);
    },
  );
});
