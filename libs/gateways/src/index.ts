export * from './lib/gateways';
