export * from './lib/errors';
export * from './lib/gateway-directory';
export * from './lib/payment-processor';
export * from './lib/payment-rows';
export * from './lib/payments.repository';
export * from './lib/processor-options';
export * from './lib/refund-processor';
export * from './lib/routing';
