export * from './lib/common';
export * from './lib/auth';
export * from './lib/merchants';
export * from './lib/audit';
export * from './lib/payments';
export * from './lib/streams';
export * from './lib/gateways';
export * from './lib/settlements';
