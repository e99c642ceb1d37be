export * from './lib/event-types';
export * from './lib/signature';
export * from './lib/target-guard';
export * from './lib/sender';
export * from './lib/retry-schedule';
export * from './lib/usage-buckets';
export * from './lib/webhook-body';
export * from './lib/usage-counters';
