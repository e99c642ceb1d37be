export * from './settlement-views';
export * from './settlement-batches';
export * from './settlement-runs';
