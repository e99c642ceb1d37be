export * from './lib/config';
export * from './lib/duration';
export * from './lib/logger';
export * from './lib/redis';
export * from './lib/request-context';
export * from './lib/passwords';
export * from './lib/secret-box';
export * from './lib/system-status-gauges';
