import type { Logger } from '@lsp/platform';
import type { TargetOutcome } from './retention.repository';

export interface RetentionReport {
  cleaner: string;
  /** Rows (or jobs) removed per target; targets whose table is absent are listed in `skipped`. */
  removed: Record<string, number>;
  skipped: string[];
}

/** What every cleaner returns as its job value and logs: what it removed, per target. */
export function report(logger: Logger, cleaner: string, outcomes: TargetOutcome[], trigger: string): RetentionReport {
  const result: RetentionReport = {
    cleaner,
    removed: Object.fromEntries(outcomes.filter((o) => !o.skipped).map((o) => [o.name, o.removed])),
    skipped: outcomes.filter((o) => o.skipped).map((o) => o.name),
  };
  logger.info({ ...result, trigger }, 'retention cleaner finished');
  return result;
}
