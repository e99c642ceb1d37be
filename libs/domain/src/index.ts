export * from './lib/ids';
export * from './lib/canonical-json';
export * from './lib/diff';
