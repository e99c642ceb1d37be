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
