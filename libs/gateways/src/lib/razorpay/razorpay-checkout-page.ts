/** Where Razorpay serves Checkout JS, and what the page must be allowed to load and frame for it to work. */
export const RAZORPAY_CHECKOUT_SCRIPT = 'https://checkout.razorpay.com/v1/checkout.js';
export const RAZORPAY_CHECKOUT_CSP = [
  "default-src 'self'",
  "script-src 'self' https://checkout.razorpay.com",
  'frame-src https://api.razorpay.com https://checkout.razorpay.com',
  "connect-src 'self' https://*.razorpay.com",
  "img-src 'self' data: https://*.razorpay.com",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export interface RazorpayCheckoutDetails {
  orderId: string;
  /** The public key id (`rzp_test_…`): Checkout needs it in the browser; the key secret never leaves the server. */
  keyId: string;
  amount: number;
  currency: string;
  description?: string | null;
  customer?: { email?: string; phone?: string } | null;
  /** Where the page posts Checkout's answer for server-side signature verification. */
  verifyUrl: string;
  /** Our own script that opens Checkout and posts its answer (no inline script, so a strict CSP holds). */
  scriptUrl: string;
}

/**
 * Our page behind a Razorpay `nextAction` redirect: Razorpay has no hosted page for orders, so the customer pays in
 * Checkout JS opened here. The options travel in a JSON data block (not executed); every value is escaped.
 */
export function renderRazorpayCheckoutPage(d: RazorpayCheckoutDetails): string {
  const options = {
    key: d.keyId,
    order_id: d.orderId,
    amount: d.amount,
    currency: d.currency,
    name: 'LightSpeedPay',
    description: d.description ?? undefined,
    prefill: { email: d.customer?.email, contact: d.customer?.phone },
    verifyUrl: d.verifyUrl,
  };
  // `<` escaped so a value can never close the data block.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<meta name="referrer" content="no-referrer">',
    '<title>LightSpeedPay checkout</title>',
    '</head>',
    '<body>',
    '<main>',
    '<h1>Pay with Razorpay</h1>',
    `<p>Order <code>${escapeHtml(d.orderId)}</code></p>`,
    `<script id="lsp-checkout-options" type="application/json">${json}</script>`,
    '<button id="lsp-pay" type="button">Pay now</button>',
    '<p id="lsp-status" role="status"></p>',
    '</main>',
    `<script src="${escapeHtml(RAZORPAY_CHECKOUT_SCRIPT)}"></script>`,
    `<script src="${escapeHtml(d.scriptUrl)}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Opens Checkout on the button and posts its answer (`razorpay_payment_id`, `razorpay_order_id`,
 * `razorpay_signature`) to the platform, which verifies the signature before it marks anything; then follows the
 * merchant's return URL when there is one.
 */
export const RAZORPAY_CHECKOUT_SCRIPT_BODY = `(function () {
  var options = JSON.parse(document.getElementById('lsp-checkout-options').textContent);
  var status = document.getElementById('lsp-status');
  options.handler = function (answer) {
    status.textContent = 'Confirming your payment…';
    fetch(options.verifyUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        razorpay_payment_id: answer.razorpay_payment_id,
        razorpay_order_id: answer.razorpay_order_id,
        razorpay_signature: answer.razorpay_signature
      })
    }).then(function (res) { return res.json(); }).then(function (body) {
      status.textContent = body.status === 'captured' ? 'Payment received.' : 'Payment is being confirmed.';
      if (body.returnUrl) window.location.assign(body.returnUrl);
    }, function () { status.textContent = 'We could not confirm the payment yet; it will be confirmed shortly.'; });
  };
  document.getElementById('lsp-pay').addEventListener('click', function () {
    new window.Razorpay(options).open();
  });
})();
`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
