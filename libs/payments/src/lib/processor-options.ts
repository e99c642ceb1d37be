import type { AppConfig } from '@lsp/platform';
import type { ProcessorOptions } from './payment-processor';

/** The PaymentProcessor's options from the validated config, so the API and the workers build it alike. */
export function processorOptionsFrom(
  config: Pick<
    AppConfig,
    | 'gatewayTimeoutMs'
    | 'publicBaseUrl'
    | 'retryTemporaryMax'
    | 'retryBaseDelayMs'
    | 'stalePaymentAfterMs'
    | 'sandboxCallbackDelayMs'
  >,
): ProcessorOptions {
  return {
    gatewayTimeoutMs: config.gatewayTimeoutMs,
    publicBaseUrl: config.publicBaseUrl,
    retryTemporaryMax: config.retryTemporaryMax,
    retryBaseDelayMs: config.retryBaseDelayMs,
    stalePaymentAfterMs: config.stalePaymentAfterMs,
    sandboxCallbackDelayMs: config.sandboxCallbackDelayMs,
  };
}
