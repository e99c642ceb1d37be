/**
 * A deliberately small validator toolkit for job payloads. Payloads cross a process boundary as JSON through
 * Redis, so a processor must never trust their shape: a job enqueued by an older or newer release, or by hand
 * from a console, is checked against the declaration before any work happens.
 */

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export type Validator<T> = (data: unknown) => ValidationResult<T>;

/**
 * Checks one value and returns its problems (empty when valid). The phantom `type` ties a field to the payload
 * property it validates, so `objectOf<Payload>` only compiles when every property has a checker at least as
 * strict as its declared type.
 */
export interface Field<T> {
  readonly check: (value: unknown, path: string) => string[];
  readonly optional?: boolean;
  readonly type?: T;
}

export function oneOf<const V extends readonly (string | number | boolean)[]>(...values: V): Field<V[number]> {
  return {
    check: (value, path) =>
      values.includes(value as V[number])
        ? []
        : [`${path} must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`],
  };
}

export function string(rules: { pattern?: RegExp; minLength?: number; maxLength?: number } = {}): Field<string> {
  const { pattern, minLength = 1, maxLength = 1000 } = rules;
  return {
    check: (value, path) => {
      if (typeof value !== 'string') return [`${path} must be a string`];
      if (value.length < minLength || value.length > maxLength)
        return [`${path} must be ${minLength}-${maxLength} characters long`];
      if (pattern && !pattern.test(value)) return [`${path} must match ${String(pattern)}`];
      return [];
    },
  };
}

export function integer(rules: { min?: number; max?: number } = {}): Field<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = rules;
  return {
    check: (value, path) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? []
        : [`${path} must be an integer from ${min} to ${max}`],
  };
}

export function arrayOf<T>(item: Field<T>, rules: { minItems?: number; maxItems?: number } = {}): Field<T[]> {
  const { minItems = 0, maxItems = 1000 } = rules;
  return {
    check: (value, path) => {
      if (!Array.isArray(value)) return [`${path} must be an array`];
      if (value.length < minItems || value.length > maxItems)
        return [`${path} must have ${minItems}-${maxItems} items`];
      return value.flatMap((v, i) => item.check(v, `${path}[${i}]`));
    },
  };
}

export function optional<T>(field: Field<T>): Field<T | undefined> {
  return {
    optional: true,
    check: (value, path) => (value === undefined ? [] : field.check(value, path)),
  };
}

/** `null`, or a value the wrapped field accepts. */
export function nullable<T>(field: Field<T>): Field<T | null> {
  return {
    check: (value, path) => (value === null ? [] : field.check(value, path)),
  };
}

/** Any plain JSON object, contents unchecked: for snapshots whose shape belongs to another contract. */
export function record(): Field<Record<string, unknown>> {
  return {
    check: (value, path) => (isPlainObject(value) ? [] : [`${path} must be an object`]),
  };
}

type Shape<T> = { [K in keyof T]-?: Field<T[K]> };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function checkObject<T extends object>(shape: Shape<T>, value: unknown, path: string): string[] {
  if (!isPlainObject(value)) return [`${path} must be an object`];
  const errors: string[] = [];
  const fields = shape as Record<string, Field<unknown>>;
  for (const key of Object.keys(value)) {
    // Unknown keys are refused rather than dropped: they mean producer and consumer disagree on the contract.
    if (!(key in fields)) errors.push(`${path}.${key} is not allowed`);
  }
  for (const [key, field] of Object.entries(fields)) {
    const present = Object.prototype.hasOwnProperty.call(value, key);
    if (!present && !field.optional) {
      errors.push(`${path}.${key} is required`);
      continue;
    }
    errors.push(...field.check(value[key], `${path}.${key}`));
  }
  return errors;
}

/** A nested object field; same rules as `objectOf`. */
export function object<T extends object>(shape: Shape<T>): Field<T> {
  return { check: (value, path) => checkObject(shape, value, path) };
}

/** Validates a whole payload: a plain object with exactly the declared keys. */
export function objectOf<T extends object>(shape: Shape<T>): Validator<T> {
  return (data) => {
    const errors = checkObject(shape, data, 'data');
    return errors.length === 0 ? { ok: true, value: data as T } : { ok: false, errors };
  };
}
