export * from './lib/gateway-adapter';
export * from './lib/registry';
export {
  boundedCall,
  abortableDelay,
  describeError,
  effectiveTimeoutMs,
  GatewayTimeoutError,
} from './lib/bounded-call';
export { DEFAULT_GATEWAY_TIMEOUT_MS, type BoundedCallFallbacks } from './lib/bounded-call';
export { httpRequest, type HttpOutcome, type HttpRequest } from './lib/http-client';
export { headerValue, hmacSha256Hex, verifyHmacSha256Hex } from './lib/webhook-signature';
export {
  SandboxGatewayAdapter,
  type SandboxCallbackFailure,
  type SandboxCallbackSender,
  type SandboxGatewayAdapterOptions,
} from './lib/sandbox/sandbox-adapter';
export {
  SANDBOX_SIGNATURE_HEADER,
  attemptIdFromSandboxReference,
  buildSandboxCallback,
  sandboxReference,
  sandboxRefundReference,
  signSandboxCallback,
  type SandboxCallbackBody,
} from './lib/sandbox/sandbox-callback';
export {
  DEFAULT_SANDBOX_CALLBACK_DELAY_MS,
  readSandboxConfig,
  sandboxConfigProblems,
  type SandboxConfig,
} from './lib/sandbox/sandbox-config';
export { sandboxScenario, type SandboxScenario } from './lib/sandbox/sandbox-scenarios';
export { renderSandboxCheckoutPage, type SandboxCheckoutDetails } from './lib/sandbox/sandbox-checkout-page';
