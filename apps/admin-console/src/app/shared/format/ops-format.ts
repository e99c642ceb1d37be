/**
 * Operations figures as SREs read them. `null` means "no data", which must read differently from a real 0.
 */
export const NO_DATA = '—';

export function formatPercent(share: number | null | undefined, locale = 'en-US'): string {
  if (share === null || share === undefined || !Number.isFinite(share)) {
    return NO_DATA;
  }
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function formatMs(ms: number | null | undefined, locale = 'en-US'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return NO_DATA;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(ms)} ms`;
}

export function formatCount(value: number | null | undefined, locale = 'en-US'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return NO_DATA;
  }
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** Memory in binary units: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return NO_DATA;
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** An age as a short duration: 950 → "0 s", 65_000 → "1 min 5 s", 7_200_000 → "2 h 0 min". */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) {
    return NO_DATA;
  }
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${seconds % 60} s`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h ${minutes % 60} min`;
  }
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const TONES: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'neutral'> = {
  healthy: 'success',
  operational: 'success',
  closed: 'success',
  resolved: 'success',
  running: 'success',
  degraded: 'warning',
  stale: 'warning',
  half_open: 'warning',
  acknowledged: 'info',
  warning: 'warning',
  paused: 'warning',
  info: 'info',
  down: 'danger',
  dead: 'danger',
  critical: 'danger',
  open: 'danger',
};

/** The badge colour of an operations status (health, circuit, alert state and severity). */
export function statusTone(status: string | null | undefined): string {
  return (status && TONES[status]) || 'neutral';
}
