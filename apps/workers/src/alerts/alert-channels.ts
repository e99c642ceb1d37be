import type { AlertView } from '@lsp/contracts';
import type { AppConfig, Logger } from '@lsp/platform';
import type { AlertChannel, DeliverAlertPayload } from '@lsp/queues';

/** A chat tool that does not answer within this is treated as down; the delivery is retried. */
export const ALERT_WEBHOOK_TIMEOUT_MS = 5_000;

export function enabledAlertChannels(config: Pick<AppConfig, 'alertWebhookUrl' | 'alertLogChannel'>): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (config.alertWebhookUrl) channels.push('webhook');
  if (config.alertLogChannel) channels.push('log');
  return channels;
}

export class AlertChannelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertChannelError';
  }
}

/**
 * The body an incoming-webhook chat tool understands (`text`, as Slack and Mattermost take it) plus the alert
 * itself for anything that parses JSON.
 */
export function webhookBody(payload: DeliverAlertPayload): Record<string, unknown> {
  const alert = payload.alert as unknown as AlertView;
  return {
    type: `alert.${payload.kind}`,
    text: `[${String(alert.severity).toUpperCase()}] ${payload.kind}: ${alert.title} — ${alert.message}`,
    alert,
  };
}

/**
 * POSTs one alert change to the configured webhook. Any non-2xx answer, timeout or connection error throws, so
 * BullMQ retries the delivery; the URL (it often embeds a token) never appears in the error.
 */
export async function postAlertWebhook(url: string, payload: DeliverAlertPayload): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'LightSpeedPay-Alerts/1' },
      body: JSON.stringify(webhookBody(payload)),
      signal: AbortSignal.timeout(ALERT_WEBHOOK_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new AlertChannelError(`alert webhook ${reason}`);
  }
  // The body is not needed; release the connection.
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new AlertChannelError(`alert webhook answered ${res.status}`);
  return res.status;
}

export function logAlert(logger: Logger, payload: DeliverAlertPayload): void {
  const alert = payload.alert as unknown as AlertView;
  const entry = {
    channel: 'alerts',
    change: payload.kind,
    alert: {
      id: alert.id,
      fingerprint: alert.fingerprint,
      severity: alert.severity,
      status: alert.status,
      title: alert.title,
      message: alert.message,
      count: alert.count,
    },
  };
  if (payload.kind === 'raised' && alert.severity !== 'info') logger.warn(entry, `alert ${payload.kind}`);
  else logger.info(entry, `alert ${payload.kind}`);
}
