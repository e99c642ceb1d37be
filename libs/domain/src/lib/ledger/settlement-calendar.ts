/**
 * When captured money becomes available for settlement. Merchants settle on Indian business days, so the day
 * boundary is midnight in India (UTC+05:30, no daylight saving): a `T+1` capture of any time on day D becomes
 * available at the start of D+1, `T+2` at the start of D+2. `manual` merchants are settled only on request, but
 * their money matures like `T+1`, so a requested run can settle yesterday's captures.
 */
export type SettlementSchedule = 'T+1' | 'T+2' | 'manual';

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const DAY_MS = 86_400_000;

export function settlementDelayDays(schedule: SettlementSchedule): number {
  return schedule === 'T+2' ? 2 : 1;
}

export function availableAt(capturedAt: Date, schedule: SettlementSchedule): Date {
  const localMs = capturedAt.getTime() + IST_OFFSET_MS;
  const localMidnight = localMs - (((localMs % DAY_MS) + DAY_MS) % DAY_MS);
  return new Date(localMidnight + settlementDelayDays(schedule) * DAY_MS - IST_OFFSET_MS);
}
