export * from './lib/test-environment';
export * from './lib/tcp-proxy';
export * from './lib/stack';
