import { type SettlementSchedule, availableAt, settlementDelayDays } from '../ledger/settlement-calendar';

/** Schedules that run by themselves; `manual` merchants are settled only when a run is requested. */
export const AUTOMATIC_SCHEDULES = ['T+1', 'T+2'] as const;
export type AutomaticSchedule = (typeof AUTOMATIC_SCHEDULES)[number];

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const DAY_MS = 86_400_000;

/** Midnight in India (UTC+05:30) starting the business day that contains `at`. */
export function startOfIndianDay(at: Date): Date {
  // The capture that happens at this very instant becomes available one day later; step back one day.
  return new Date(availableAt(at, 'T+1').getTime() - DAY_MS);
}

/** The Indian business day of `at` as YYYY-MM-DD. */
export function indianDay(at: Date): string {
  return new Date(startOfIndianDay(at).getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The cut-off of the scheduled run of `schedule` on the business day containing `now`: every capture made before
 * it has matured. `T+1` settles everything captured before today (the previous day's captures), `T+2`
 * everything captured before yesterday.
 */
export function scheduledCutoff(schedule: SettlementSchedule, now: Date): Date {
  return new Date(startOfIndianDay(now).getTime() - (settlementDelayDays(schedule) - 1) * DAY_MS);
}

/** One scheduled run per schedule and business day: its unique key. */
export function scheduledRunKey(schedule: AutomaticSchedule, now: Date): string {
  return `${schedule}:${indianDay(now)}`;
}
