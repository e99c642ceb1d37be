export * from './lib/validation';
export * from './lib/events';
export * from './lib/declarations';
export * from './lib/job-id';
export * from './lib/bull';
export * from './lib/heartbeat';
export * from './lib/producer';
export * from './lib/streams';
