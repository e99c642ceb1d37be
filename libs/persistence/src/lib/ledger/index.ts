export * from './ledger.repository';
export * from './commission-rules';
export * from './ledger-postings';
export * from './ledger-checks';
export * from './wallet-thresholds';
export * from './ledger-posting-batcher';
export * from './refund-cover';
