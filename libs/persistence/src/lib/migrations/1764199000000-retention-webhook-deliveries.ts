import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events retention cleaner must remove the finished deliveries of an expired event before the event itself
 * (`webhook_deliveries.event_id` references it without cascade); the webhooks migration granted no DELETE there.
 */
export class RetentionWebhookDeliveries1764199000000 implements MigrationInterface {
  name = 'RetentionWebhookDeliveries1764199000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT DELETE ON webhook_deliveries TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON webhook_deliveries FROM lsp_app`);
  }
}
