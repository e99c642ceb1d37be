import { Foundation1764130000000 } from './1764130000000-foundation';
import { Payments1764140000000 } from './1764140000000-payments';
import { PaymentListIndexes1764145000000 } from './1764145000000-payment-list-indexes';
import { PaymentScanIndexes1764150000000 } from './1764150000000-payment-scan-indexes';
import { Ledger1764170000000 } from './1764170000000-ledger';
import { Settlements1764175000000 } from './1764175000000-settlements';

/** Every migration, in order. Listed explicitly so bundlers keep them and the order is reviewable. */
export const MIGRATIONS = [
  Foundation1764130000000,
  Payments1764140000000,
  PaymentListIndexes1764145000000,
  PaymentScanIndexes1764150000000,
  Ledger1764170000000,
  Settlements1764175000000,
];
