export * from './lib/database';
export * from './lib/entities';
export * from './lib/migrations';
export * from './lib/sql';
export * from './lib/audit-chain';
export * from './lib/alerts';
export * from './lib/prepare-database';
export * from './lib/outbox-relay';
