import { attemptIdFromSandboxReference } from './sandbox-callback';
import { describeSandboxScenario, sandboxScenario } from './sandbox-scenarios';

export interface SandboxCheckoutDetails {
  /** Minor units; without it the page can only say that the amount decides. */
  amount?: number;
  currency?: string;
  attemptNumber?: number;
  description?: string | null;
  /** The merchant's return URL; only absolute http(s) URLs are linked. */
  returnUrl?: string | null;
}

/**
 * The page behind a sandbox `nextAction` redirect (`GET /sandbox/checkout/<gatewayReference>`). The outcome
 * does not depend on anything the customer does here: the callback is sent regardless, so the page only says
 * what will happen. Self-contained HTML with no script and no inline style, so it passes a strict CSP; every
 * interpolated value is escaped.
 */
export function renderSandboxCheckoutPage(gatewayReference: string, details: SandboxCheckoutDetails = {}): string {
  const known = attemptIdFromSandboxReference(gatewayReference) !== null;
  const outcome = !known
    ? 'This is not a sandbox payment reference.'
    : isMinorAmount(details.amount)
      ? describeSandboxScenario(sandboxScenario(details.amount), details.attemptNumber)
      : 'The outcome follows the last two digits of the amount (see API.md, "The sandbox gateway").';
  const rows: [string, string][] = [['Reference', gatewayReference]];
  if (isMinorAmount(details.amount)) rows.push(['Amount', formatAmount(details.amount, details.currency)]);
  if (details.description) rows.push(['Description', details.description]);
  const returnUrl = safeHttpUrl(details.returnUrl);

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<meta name="referrer" content="no-referrer">',
    '<title>LightSpeedPay sandbox checkout</title>',
    '</head>',
    '<body>',
    '<main>',
    '<h1>LightSpeedPay sandbox checkout</h1>',
    '<p>No real money moves here. The sandbox gateway decides the outcome and reports it to the platform by itself.</p>',
    '<dl>',
    ...rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`),
    '</dl>',
    `<p><strong>${escapeHtml(outcome)}</strong></p>`,
    returnUrl
      ? `<p><a href="${escapeHtml(returnUrl)}" rel="noopener noreferrer">Return to the merchant</a></p>`
      : '<p>You can close this page.</p>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function isMinorAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Minor units to a display string using the currency's ISO 4217 exponent (2 for INR, 0 for JPY, 3 for KWD). */
function formatAmount(amount: number, currency: string | undefined): string {
  if (!currency) return `${amount} (minor units)`;
  try {
    const format = new Intl.NumberFormat('en-IN', { style: 'currency', currency });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${amount} ${currency} (minor units)`;
  }
}

function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
