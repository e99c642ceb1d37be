import type { Provider } from '@nestjs/common';
import { RetentionRunner } from '../retention/retention-cleaners.processor';

/** What the alert and retention processors share beyond the core providers. */
export const ALERTS_RETENTION_PROVIDERS: Provider[] = [RetentionRunner];
