#!/usr/bin/env node
// Runs the Razorpay and PhonePe simulators (libs/gateways/src/lib/simulators) as real HTTP servers until Ctrl-C,
// for trying the platform against them by hand or from another script. Prints each base URL and the gateway
// definition to create with (POST /api/v1/admin/gateways), then `simulators ready` once both listen.
//
//   node scripts/simulators.mjs [--razorpay-port 4010] [--phonepe-port 4020] [--host 127.0.0.1]
//                               [--webhook-url http://127.0.0.1:3000/api/v1/webhooks/gateways/{code}]
//                               [--razorpay-code razorpay] [--phonepe-code phonepe]
//
// Port 0 takes a free port (the printed URLs say which). Signed webhooks go to --webhook-url with `{code}`
// replaced by the gateway code; the default is the local API (PORT, else 3000). A customer finishing checkout is
// played over HTTP: POST {razorpay}/__control/complete {"orderId","outcome":"captured"|"authorized"|"failed"},
// POST {phonepe}/__control/complete {"merchantOrderId","outcome":"success"|"failure"}.
// Loads the simulators from source (ts-node, transpile only), so it runs from a fresh checkout after `npm ci`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const usage = `usage: node scripts/simulators.mjs [--razorpay-port N] [--phonepe-port N] [--host H] [--webhook-url URL]
                                  [--razorpay-code CODE] [--phonepe-code CODE]`;
let values;
try {
  ({ values } = parseArgs({
    options: {
      'razorpay-port': { type: 'string', default: '4010' },
      'phonepe-port': { type: 'string', default: '4020' },
      host: { type: 'string', default: '127.0.0.1' },
      'webhook-url': {
        type: 'string',
        default: `http://127.0.0.1:${process.env.PORT || 3000}/api/v1/webhooks/gateways/{code}`,
      },
      'razorpay-code': { type: 'string', default: 'razorpay' },
      'phonepe-code': { type: 'string', default: 'phonepe' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  process.stderr.write(`${error.message}\n${usage}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

function port(name) {
  const text = values[name];
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) {
    process.stderr.write(`--${name} must be a port number (0 takes a free one), got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}
const ports = { razorpay: port('razorpay-port'), phonepe: port('phonepe-port') };
const webhookUrl = (code) => values['webhook-url'].replaceAll('{code}', encodeURIComponent(code));
try {
  new URL(webhookUrl('x'));
} catch {
  process.stderr.write(`--webhook-url must be a URL, got ${JSON.stringify(values['webhook-url'])}\n`);
  process.exit(2);
}

const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, project: join(root, 'libs/gateways/tsconfig.lib.json') });
require(join(root, 'tools/jest/register-paths'));
const { RazorpaySimulator, PhonePeSimulator } = require(join(root, 'libs/gateways/src/index.ts'));

const codes = { razorpay: values['razorpay-code'], phonepe: values['phonepe-code'] };
const razorpay = new RazorpaySimulator({ webhookUrl: webhookUrl(codes.razorpay) });
const phonepe = new PhonePeSimulator({ callbackUrl: webhookUrl(codes.phonepe) });

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`[simulators] ${signal}: stopping\n`);
  await Promise.allSettled([razorpay.stop(), phonepe.stop()]);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  const [razorpayUrl, phonepeUrl] = await Promise.all([
    razorpay.start({ port: ports.razorpay, host: values.host }),
    phonepe.start({ port: ports.phonepe, host: values.host }),
  ]);
  const o = phonepe.options;
  // What an admin POSTs to /api/v1/admin/gateways to route payments through each simulator (change the priority
  // if one is taken). The values are the
  // simulators' fixed test credentials, not secrets of any real account.
  const gateways = {
    razorpay: {
      code: codes.razorpay,
      name: 'Razorpay (simulator)',
      provider: 'razorpay',
      priority: 10,
      currencies: ['INR'],
      methods: ['card', 'upi'],
      config: { baseUrl: razorpayUrl },
      credentials: { keyId: razorpay.keyId, keySecret: razorpay.keySecret },
      webhookSecret: razorpay.webhookSecret,
    },
    phonepe: {
      code: codes.phonepe,
      name: 'PhonePe (simulator)',
      provider: 'phonepe',
      priority: 20,
      currencies: ['INR'],
      methods: ['upi'],
      config: { baseUrl: phonepeUrl },
      credentials: { clientId: o.clientId, clientSecret: o.clientSecret, clientVersion: o.clientVersion },
      // PhonePe v2 signs webhooks with SHA256(username:password), configured in its dashboard.
      webhookSecret: `${o.webhookUsername}:${o.webhookPassword}`,
    },
  };
  const say = (line) => process.stdout.write(`[simulators] ${line}\n`);
  say(`razorpay ${razorpayUrl} (webhooks → ${webhookUrl(codes.razorpay)})`);
  say(`phonepe ${phonepeUrl} (webhooks → ${webhookUrl(codes.phonepe)})`);
  say(`razorpay gateway: ${JSON.stringify(gateways.razorpay)}`);
  say(`phonepe gateway: ${JSON.stringify(gateways.phonepe)}`);
  say(
    `phonepe v1 (X-VERIFY) credentials: ${JSON.stringify({ merchantId: o.merchantId, saltKey: o.saltKey, saltIndex: o.saltIndex })}`,
  );
  say('simulators ready (Ctrl-C stops them)');
} catch (error) {
  process.stderr.write(`[simulators] could not start: ${error.message}\n`);
  await Promise.allSettled([razorpay.stop(), phonepe.stop()]);
  process.exit(1);
}
