import { ApiException } from './api.exception';

export interface TimeRangeRules {
  /** How far back `from` reaches when the query omits it. */
  defaultSpanMs: number;
  maxSpanMs: number;
  /** The longest span in words, for the error message (e.g. "7 days"). */
  maxSpanText: string;
  /** Accept `from` equal to `to` (an empty range). */
  allowEmpty?: boolean;
}

/**
 * The `from`/`to` query of a time-series endpoint: `to` defaults to now, `from` to `defaultSpanMs` before `to`;
 * an unreadable instant, a reversed range or one longer than `maxSpanMs` is a 400 naming the field.
 */
export function resolveTimeRange(
  fromText: string | undefined,
  toText: string | undefined,
  rules: TimeRangeRules,
): { from: Date; to: Date } {
  const to = toText ? new Date(toText) : new Date();
  if (Number.isNaN(to.getTime())) throw ApiException.invalid('to', 'to is not a valid instant');
  const from = fromText ? new Date(fromText) : new Date(to.getTime() - rules.defaultSpanMs);
  if (Number.isNaN(from.getTime())) throw ApiException.invalid('from', 'from is not a valid instant');
  const span = to.getTime() - from.getTime();
  if (span < 0 || (span === 0 && !rules.allowEmpty)) throw ApiException.invalid('from', 'from must be before to');
  if (span > rules.maxSpanMs) {
    throw ApiException.invalid('from', `from and to may be at most ${rules.maxSpanText} apart`);
  }
  return { from, to };
}
