export * from './lib/test-environment';
