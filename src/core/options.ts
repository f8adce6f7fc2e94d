// One schema per options object: the keys it accepts (checked against the TypeScript interface),
// how each value is checked, its default, and the config getConfig() reports. Unknown keys throw
// and name the closest accepted one; values are never coerced ('false' is not a boolean).
import { ValueError, checkFlag, checkOptions } from './errors.js';

/**
 * How one option is read: `check` sees every defined value and returns it (or throws naming the
 * function and the key); `fallback` stands in for undefined when `defaulted` is true.
 */
export interface Option<T, Defaulted extends boolean = boolean> {
  readonly check: (value: unknown, who: string, key: string) => T;
  readonly defaulted: Defaulted;
  readonly fallback: T | undefined;
}

/** One Option for every key of the options interface `O`, no more, no less. */
export type Fields<O> = { readonly [K in keyof O]-?: Option<Exclude<O[K], undefined>> };

/** The options after `parse`: keys with a default are always set. */
export type Resolved<O, S extends Fields<O>> = {
  [K in keyof O]-?: S[K] extends Option<unknown, true> ? Exclude<O[K], undefined> : Exclude<O[K], undefined> | undefined;
};

/** A parsed options schema; make one with `optionsSchema<O>()({ ... })`. */
export class OptionsSchema<O, S extends Fields<O>> {
  /** The accepted keys, in declaration order (error messages list them). */
  readonly keys: readonly string[];

  constructor(readonly fields: S) {
    this.keys = Object.keys(fields);
  }

  /**
   * Checks `options`: an object (give optional options a `= {}` default), no unknown key, every
   * value of the right type; returns a new object with the defaults filled in. `who` starts every error.
   */
  parse(who: string, options: unknown): Resolved<O, S> {
    const given = checkOptions(who, options as Record<string, unknown>, 'options', this.keys);
    const out: Record<string, unknown> = {};
    for (const key of this.keys) {
      const field = (this.fields as Record<string, Option<unknown>>)[key]!;
      const value = given[key];
      out[key] = value === undefined ? field.fallback : field.check(value, who, key);
    }
    return out as Resolved<O, S>;
  }

  /** The JSON-friendly config of parsed options (getConfig): every defined value except functions. */
  config(resolved: Resolved<O, S>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) {
      const value = (resolved as Record<string, unknown>)[key];
      if (value !== undefined && typeof value !== 'function') out[key] = value;
    }
    return out;
  }
}

/**
 * The schema of the options interface `O`: `optionsSchema<FitOptions>()({ epochs: integer({ min: 1, fallback: 1 }), ... })`.
 * A key missing from the fields, or one the interface does not have, is a compile error.
 */
export function optionsSchema<O>(): <S extends Fields<O>>(fields: S & Record<Exclude<keyof S, keyof O>, never>) => OptionsSchema<O, S> {
  return (fields) => new OptionsSchema<O, typeof fields>(fields);
}

/** How a wrong value reads in an error: strings quoted, arrays as JSON, objects and functions by kind. */
export function describeOption(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** Throws `who: key must be expected, got value`. */
export function optionError(who: string, key: string, expected: string, value: unknown, show: (v: unknown) => string = describeOption): never {
  throw new ValueError(`${who}: ${key} must be ${expected}, got ${show(value)}`);
}

function option<T>(check: Option<T>['check'], fallback: T | undefined): Option<T> {
  return { check, defaulted: fallback !== undefined, fallback };
}

type WithDefault<T, F> = F extends undefined ? Option<T, false> : Option<T, true>;

/** Any check; `fallback` (if given) stands in for undefined. */
export function custom<T, F extends T | undefined = undefined>(check: (value: unknown, who: string, key: string) => T, fallback?: F): WithDefault<T, F> {
  return option(check, fallback) as WithDefault<T, F>;
}

/** true or false, nothing else. */
export function flag<F extends boolean | undefined = undefined>(fallback?: F): WithDefault<boolean, F> {
  return custom((v, who, key) => checkFlag(who, key, v), fallback);
}

/** A safe integer >= `min` (default 0); `expected` replaces "an integer >= min" in the error. */
export function integer<F extends number | undefined = undefined>(spec: { min?: number; fallback?: F; expected?: string } = {}): WithDefault<number, F> {
  const min = spec.min ?? 0;
  const expected = spec.expected ?? `an integer >= ${min}`;
  return custom((v, who, key) => (Number.isSafeInteger(v) && (v as number) >= min ? (v as number) : optionError(who, key, expected, v, String)), spec.fallback);
}

/** A finite number passing `test` (default: any); `expected` describes it in the error. */
export function finite<F extends number | undefined = undefined>(spec: { test?: (n: number) => boolean; expected?: string; fallback?: F } = {}): WithDefault<number, F> {
  const expected = spec.expected ?? 'a finite number';
  const test = spec.test;
  return custom(
    (v, who, key) => (typeof v === 'number' && Number.isFinite(v) && (test === undefined || test(v)) ? v : optionError(who, key, expected, v, String)),
    spec.fallback,
  );
}

/** One of a few literal values: `'throw', 'stop' or 'skip'`. */
export function oneOf<const V extends readonly (string | number)[], F extends V[number] | undefined = undefined>(values: V, fallback?: F): WithDefault<V[number], F> {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  const expected = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return custom((v, who, key) => (values.includes(v as V[number]) ? (v as V[number]) : optionError(who, key, expected, v, String)), fallback);
}

/** A function; `signature` (e.g. `(row) => void`) completes the error. */
export function func<T extends (...args: never[]) => unknown>(signature: string): Option<T, false> {
  return custom((v, who, key) => (typeof v === 'function' ? (v as T) : optionError(who, key, `a function ${signature}`, v, String)));
}

/** A non-empty string. */
export function text<F extends string | undefined = undefined>(fallback?: F): WithDefault<string, F> {
  return custom((v, who, key) => (typeof v === 'string' && v !== '' ? v : optionError(who, key, 'a non-empty string', v, String)), fallback);
}

/** Accepted as given: the caller checks it with context the schema does not have. */
export function given<T>(): Option<T, false> {
  return custom((v) => v as T);
}
