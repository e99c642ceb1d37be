import { adapterFor, createGatewayAdapterRegistry } from './registry';
import { RazorpayAdapter } from './razorpay/razorpay-adapter';
import { SandboxGatewayAdapter } from './sandbox/sandbox-adapter';
import type { GatewayContext } from './gateway-adapter';

const ctx: GatewayContext = {
  code: 'rzp',
  provider: 'razorpay',
  config: {},
  credentials: {},
  webhookSecret: 'secret',
  timeoutMs: 1000,
  callbackUrl: 'http://127.0.0.1:1/cb',
  publicBaseUrl: 'http://127.0.0.1:1',
};

describe('gateway adapter registry', () => {
  it('serves the sandbox adapter', () => {
    const registry = createGatewayAdapterRegistry();
    expect(registry.adapterFor('sandbox')).toBeInstanceOf(SandboxGatewayAdapter);
    expect(registry.adapterFor('sandbox').provider).toBe('sandbox');
    expect(registry.isImplemented('sandbox')).toBe(true);
    expect(adapterFor('sandbox')).toBe(adapterFor('sandbox'));
  });

  it('serves the Razorpay adapter', () => {
    const registry = createGatewayAdapterRegistry();
    expect(registry.adapterFor('razorpay')).toBeInstanceOf(RazorpayAdapter);
    expect(registry.isImplemented('razorpay')).toBe(true);
  });

  it.each(['phonepe'] as const)('degrades %s (not written yet) to "nothing was sent"', async (provider) => {
    const registry = createGatewayAdapterRegistry();
    const adapter = registry.adapterFor(provider);
    expect(registry.isImplemented(provider)).toBe(false);
    expect(adapter.provider).toBe(provider);
    const payment = {
      paymentId: 'pay_1',
      attemptId: 'att_1',
      attemptNumber: 1,
      amount: 100,
      currency: 'INR',
      method: 'upi' as const,
    };
    // failed_retryable, never unknown: routing may safely try the next gateway.
    expect(await adapter.createPayment(payment, ctx)).toMatchObject({
      status: 'failed_retryable',
      errorCode: 'provider_not_implemented',
    });
    expect(await adapter.getPaymentStatus({ ...payment, gatewayReference: null }, ctx)).toMatchObject({
      status: 'unknown',
    });
    expect(await adapter.healthCheck(ctx)).toMatchObject({ ok: false });
    expect(adapter.verifyWebhook({ headers: {}, rawBody: '{}' }, ctx)).toBe(false);
    expect(adapter.parseWebhook({ headers: {}, rawBody: '{}' }, ctx)).toMatchObject({ error: 'malformed' });
  });
});
