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
export {
  GATEWAY_POOL_DEFAULTS,
  createGatewayDispatcher,
  gatewayDispatcher,
  httpRequest,
  type GatewayPoolOptions,
  type HttpOutcome,
  type HttpRequest,
} from './lib/http-client';
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
export { RAZORPAY_DEFAULT_BASE_URL, RazorpayAdapter, parseRazorpayWebhook } from './lib/razorpay/razorpay-adapter';
export {
  RAZORPAY_CHECKOUT_CSP,
  RAZORPAY_CHECKOUT_SCRIPT,
  RAZORPAY_CHECKOUT_SCRIPT_BODY,
  renderRazorpayCheckoutPage,
  type RazorpayCheckoutDetails,
} from './lib/razorpay/razorpay-checkout-page';
export {
  RAZORPAY_EVENT_ID_HEADER,
  RAZORPAY_IDEMPOTENCY_HEADER,
  RAZORPAY_SIGNATURE_HEADER,
  razorpayCheckoutSignature,
  signRazorpayWebhook,
  verifyRazorpayCheckoutSignature,
  verifyRazorpayWebhook,
} from './lib/razorpay/razorpay-signature';
export {
  RazorpaySimulator,
  type RazorpayCheckoutOutcome,
  type RazorpayFault,
  type RazorpaySimulatorOptions,
} from './lib/simulators/razorpay-simulator';
export {
  PHONEPE_SANDBOX_BASE_URL,
  PHONEPE_V1_PROD_BASE_URL,
  PHONEPE_V2_PROD_BASE_URL,
  PHONEPE_V2_PROD_OAUTH_URL,
  PhonePeAdapter,
  parseV1Callback as parsePhonePeV1Callback,
  parseV2Webhook as parsePhonePeV2Webhook,
  type PhonePeAdapterOptions,
  type PhonePeMode,
  type PhonePeWebhookEvent,
} from './lib/phonepe/phonepe-adapter';
export {
  PHONEPE_CODE_TABLE,
  PHONEPE_STATE_TABLE,
  classifyPhonePeFailure,
  type PhonePeCodeRow,
} from './lib/phonepe/phonepe-errors';
export {
  PHONEPE_MERCHANT_ID_HEADER,
  PHONEPE_X_VERIFY_HEADER,
  phonePeCallbackXVerify,
  phonePeWebhookAuthorization,
  phonePeXVerify,
} from './lib/phonepe/phonepe-signature';
export {
  PhonePeSimulator,
  type PhonePeDelivery,
  type PhonePeFault,
  type PhonePePaymentOutcome,
  type PhonePeRefundOutcome,
  type PhonePeSimulatorOptions,
} from './lib/simulators/phonepe-simulator';
export { type SimulatorListenOptions } from './lib/simulators/simulator-listen';
