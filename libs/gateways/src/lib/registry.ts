import type { GatewayAdapter, GatewayProvider } from './gateway-adapter';
import { PhonePeAdapter } from './phonepe/phonepe-adapter';
import { RazorpayAdapter } from './razorpay/razorpay-adapter';
import { SandboxGatewayAdapter, type SandboxGatewayAdapterOptions } from './sandbox/sandbox-adapter';

export interface GatewayAdapterRegistryOptions {
  sandbox?: SandboxGatewayAdapterOptions;
}

export interface GatewayAdapterRegistry {
  /** Always an adapter: a provider without one yet answers every call as "not accepted" (see below). */
  adapterFor(provider: GatewayProvider): GatewayAdapter;
  isImplemented(provider: GatewayProvider): boolean;
}

/**
 * One adapter instance per provider for the life of the process (adapters are stateless per call; the sandbox
 * only keeps the timers of its pending callbacks). The API and the workers each build one registry at start-up,
 * passing their logger to `sandbox.onCallbackError` and `SANDBOX_CALLBACK_DELAY` to `sandbox.defaultCallbackDelayMs`.
 */
export function createGatewayAdapterRegistry(options: GatewayAdapterRegistryOptions = {}): GatewayAdapterRegistry {
  const adapters: Record<GatewayProvider, GatewayAdapter> = {
    sandbox: new SandboxGatewayAdapter(options.sandbox),
    razorpay: new RazorpayAdapter(),
    phonepe: new PhonePeAdapter(),
  };
  return {
    adapterFor: (provider) => adapters[provider],
    isImplemented: (provider) => !(adapters[provider] instanceof UnimplementedGatewayAdapter),
  };
}

let defaultRegistry: GatewayAdapterRegistry | undefined;

/** The adapter for a provider from a process-wide registry with default options (no callback error hook). */
export function adapterFor(provider: GatewayProvider): GatewayAdapter {
  defaultRegistry ??= createGatewayAdapterRegistry();
  return defaultRegistry.adapterFor(provider);
}

const NOT_IMPLEMENTED = 'provider_not_implemented';

/**
 * Stands in for an adapter that is not written yet. Nothing is ever sent, so writes are `failed_retryable`
 * (failover is safe), reads are `unknown`, webhooks are refused and the health check reports the gateway down —
 * a gateway row with such a provider degrades routing instead of breaking it.
 */
class UnimplementedGatewayAdapter implements GatewayAdapter {
  constructor(readonly provider: GatewayProvider) {}

  private get message(): string {
    return `The ${this.provider} adapter is not implemented yet; nothing was sent.`;
  }

  async createPayment() {
    return {
      status: 'failed_retryable' as const,
      errorCode: NOT_IMPLEMENTED,
      errorMessage: this.message,
      latencyMs: 0,
    };
  }

  async getPaymentStatus() {
    return { status: 'unknown' as const, errorCode: NOT_IMPLEMENTED, errorMessage: this.message, latencyMs: 0 };
  }

  async refund() {
    return {
      status: 'failed_retryable' as const,
      errorCode: NOT_IMPLEMENTED,
      errorMessage: this.message,
      latencyMs: 0,
    };
  }

  async getRefundStatus() {
    return { status: 'unknown' as const, errorCode: NOT_IMPLEMENTED, errorMessage: this.message, latencyMs: 0 };
  }

  verifyWebhook(): boolean {
    return false;
  }

  parseWebhook() {
    return { error: 'malformed' as const, message: this.message };
  }

  async healthCheck() {
    return { ok: false, latencyMs: 0, errorClass: NOT_IMPLEMENTED };
  }
}
