/**
 * A `datetime-local` value (the user's wall-clock time, no zone) as an ISO instant for the API, or undefined when
 * empty or unparseable — an unusable filter is left out rather than sent for the API to refuse.
 */
export function localInputToIso(value: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** An instant as a `datetime-local` value in the browser's zone (minute precision), for a default filter. */
export function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
