export * from './ledger-accounts';
export * from './journal-types';
export * from './ledger-error';
export * from './journal-builder';
export * from './commission';
export * from './refund-reversal';
export * from './settlement-calendar';
export * from './refund-cover';
