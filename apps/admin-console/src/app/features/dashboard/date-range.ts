export type RangePreset = '24h' | '7d' | '30d' | 'custom';

export const RANGE_PRESETS: readonly { value: RangePreset; label: string }[] = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom dates' },
];

const HOUR_MS = 3_600_000;
const PRESET_HOURS: Record<Exclude<RangePreset, 'custom'>, number> = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };
/** The API refuses ranges longer than this. */
export const MAX_RANGE_DAYS = 400;

export interface TimeRange {
  from: string;
  to: string;
}

/**
 * The overview range of a preset, ending now. `to` is exclusive, so the hour in progress is included and
 * today's payments show as they happen.
 */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: number): TimeRange {
  return { from: new Date(now - PRESET_HOURS[preset] * HOUR_MS).toISOString(), to: new Date(now).toISOString() };
}

/**
 * Custom `yyyy-mm-dd` dates in the operator's zone, both days included (`to` is the start of the day after).
 * Returns an error message instead when the dates are missing, reversed or too far apart.
 */
export function customRange(fromDay: string, toDay: string): TimeRange | { error: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || !/^\d{4}-\d{2}-\d{2}$/.test(toDay)) {
    return { error: 'Choose both dates.' };
  }
  const from = new Date(`${fromDay}T00:00:00`);
  const to = new Date(`${toDay}T00:00:00`);
  to.setDate(to.getDate() + 1);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    return { error: 'Choose both dates.' };
  }
  if (from >= to) {
    return { error: '“From” must be on or before “To”.' };
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 24 * HOUR_MS) {
    return { error: `A range may cover at most ${MAX_RANGE_DAYS} days.` };
  }
  return { from: from.toISOString(), to: to.toISOString() };
}
