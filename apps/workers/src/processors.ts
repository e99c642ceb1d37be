import type { Type } from '@nestjs/common';
import type { JobProcessor } from './core/job-processor';
import { FanOutEventProcessor } from './events/fan-out-event.processor';
import { VerifyAuditChainProcessor } from './maintenance/verify-audit-chain.processor';

/** Every job processor of the workers app; the boot check matches them against the queue declarations. */
export const PROCESSORS: Type<JobProcessor>[] = [VerifyAuditChainProcessor, FanOutEventProcessor];
