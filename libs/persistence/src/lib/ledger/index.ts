export * from './ledger.repository';
export * from './commission-rules';
export * from './ledger-postings';
