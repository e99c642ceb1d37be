import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { GatewayContext } from '../gateway-adapter';
import { PhonePeAdapter } from '../phonepe/phonepe-adapter';
import { RazorpayAdapter } from '../razorpay/razorpay-adapter';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../../../../..');
const SCRIPT = join(ROOT, 'scripts/simulators.mjs');

interface PrintedGateway {
  code: string;
  provider: 'razorpay' | 'phonepe';
  config: { baseUrl: string };
  credentials: Record<string, string>;
  webhookSecret: string;
}

/** Runs the script as a user would and reads what it prints. */
class ScriptRun {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, PORT: '1' } });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => this.lines.push(`stderr: ${chunk}`));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async ready(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((l) => l.includes('simulators ready'))) {
      if (this.child.exitCode !== null) throw new Error(`script exited:\n${this.lines.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no ready line:\n${this.lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  gateway(provider: 'razorpay' | 'phonepe'): PrintedGateway {
    const prefix = `[simulators] ${provider} gateway: `;
    const line = this.lines.find((l) => l.startsWith(prefix));
    if (!line) throw new Error(`no ${provider} gateway line`);
    return JSON.parse(line.slice(prefix.length)) as PrintedGateway;
  }

  interrupt(): void {
    this.child.kill('SIGINT');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

function context(gateway: PrintedGateway, webhookSecret = gateway.webhookSecret): GatewayContext {
  return {
    code: gateway.code,
    provider: gateway.provider,
    config: gateway.config,
    credentials: gateway.credentials,
    webhookSecret,
    timeoutMs: 5000,
    callbackUrl: 'http://127.0.0.1:1/unused',
    publicBaseUrl: 'http://127.0.0.1:1/',
  };
}

describe('scripts/simulators.mjs', () => {
  const received: Received[] = [];
  let receiver: Server;
  let receiverUrl: string;
  let run: ScriptRun | undefined;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    run?.kill();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('starts both simulators, prints working credentials, sends signed webhooks to --webhook-url, stops on Ctrl-C', async () => {
    run = new ScriptRun([
      '--razorpay-port',
      '0',
      '--phonepe-port',
      '0',
      '--webhook-url',
      `${receiverUrl}/hooks/{code}`,
      '--razorpay-code',
      'rzp-sim',
    ]);
    await run.ready();
    const rzp = run.gateway('razorpay');
    const pp = run.gateway('phonepe');
    expect(rzp).toMatchObject({ code: 'rzp-sim', provider: 'razorpay', config: { baseUrl: expect.any(String) } });
    expect(pp).toMatchObject({ code: 'phonepe', provider: 'phonepe', config: { baseUrl: expect.any(String) } });

    // One authenticated call to each, with what the script printed, through our own adapters.
    expect(await new RazorpayAdapter().healthCheck(context(rzp))).toMatchObject({ ok: true });
    expect(await new PhonePeAdapter().healthCheck(context(pp))).toMatchObject({ ok: true });
    // And the same endpoints without credentials are refused.
    expect((await fetch(`${rzp.config.baseUrl}/v1/orders?count=1`)).status).toBe(401);
    expect((await fetch(`${pp.config.baseUrl}/checkout/v2/order/none/status`)).status).toBe(401);

    // The customer's part over HTTP; each webhook reaches --webhook-url under its gateway code and verifies with
    // the printed webhook secret.
    const razorpay = new RazorpayAdapter();
    const phonepe = new PhonePeAdapter();
    const payment = (id: string) => ({
      paymentId: `pay_${id}`,
      attemptId: `att_${id}${Date.now().toString(36)}`,
      attemptNumber: 1,
      amount: 10_000,
      currency: 'INR',
      method: 'upi' as const,
    });
    const ppPayment = payment('pp');
    const rzpOrder = await razorpay.createPayment(payment('rzp'), context(rzp));
    const ppOrder = await phonepe.createPayment(ppPayment, context(pp));
    expect(rzpOrder).toMatchObject({ status: 'pending' });
    expect(ppOrder).toMatchObject({ status: 'pending' });
    const complete = (baseUrl: string, body: object) =>
      fetch(`${baseUrl}/__control/complete`, { method: 'POST', body: JSON.stringify(body) });
    const rzpRef = (rzpOrder as { gatewayReference: string }).gatewayReference;
    const ppRef = ppPayment.attemptId; // PhonePe's merchantOrderId
    expect((await complete(rzp.config.baseUrl, { orderId: rzpRef, outcome: 'captured' })).status).toBe(200);
    expect((await complete(pp.config.baseUrl, { merchantOrderId: ppRef, outcome: 'success' })).status).toBe(200);
    const hook = async (path: string, reference: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = received.find((r) => r.path === path && r.body.includes(reference));
        if (found) return { headers: found.headers, rawBody: found.body };
        if (Date.now() > deadline) throw new Error(`no webhook at ${path}: ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const rzpHook = await hook('/hooks/rzp-sim', rzpRef);
    const ppHook = await hook('/hooks/phonepe', ppRef);
    expect(razorpay.verifyWebhook(rzpHook, context(rzp))).toBe(true);
    expect(phonepe.verifyWebhook(ppHook, context(pp))).toBe(true);
    expect(razorpay.verifyWebhook(rzpHook, context(rzp, 'another-secret'))).toBe(false);
    expect(phonepe.verifyWebhook(ppHook, context(pp, 'someone:else'))).toBe(false);

    run.interrupt();
    expect(await run.exited).toBe(0);
    expect(run.lines).toContain('[simulators] SIGINT: stopping');
    await expect(fetch(`${rzp.config.baseUrl}/v1/orders`)).rejects.toThrow();
  });

  it('refuses a bad port with a message and exit code 2', () => {
    const out = spawnSync(process.execPath, [SCRIPT, '--razorpay-port', 'http'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--razorpay-port must be a port number');
  });
});
