/**
 * Health figures as operators read them. Rates arrive as a share (0..1) and latencies as whole milliseconds
 * (API.md §6); `null` means "no data in the window", which must read differently from a real 0.
 */
export const NO_DATA = '—';

export function formatPercent(share: number | null | undefined, locale = 'en-US'): string {
  if (share === null || share === undefined || !Number.isFinite(share)) {
    return NO_DATA;
  }
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function formatLatency(ms: number | null | undefined, locale = 'en-US'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return NO_DATA;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  }).format(ms);
}
