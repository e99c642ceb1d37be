export * from './lib/gateway-adapter';
