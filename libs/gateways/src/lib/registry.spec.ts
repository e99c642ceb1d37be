import { adapterFor, createGatewayAdapterRegistry } from './registry';
import { PhonePeAdapter } from './phonepe/phonepe-adapter';
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

  it('serves the PhonePe adapter', () => {
    const registry = createGatewayAdapterRegistry();
    expect(registry.adapterFor('phonepe')).toBeInstanceOf(PhonePeAdapter);
    expect(registry.adapterFor('phonepe').provider).toBe('phonepe');
    expect(registry.isImplemented('phonepe')).toBe(true);
  });

  it('answers a webhook for a PhonePe gateway without credentials as unverified', () => {
    const adapter = createGatewayAdapterRegistry().adapterFor('phonepe');
    expect(
      adapter.verifyWebhook({ headers: {}, rawBody: '{}' }, { ...ctx, provider: 'phonepe', webhookSecret: '' }),
    ).toBe(false);
  });
});
