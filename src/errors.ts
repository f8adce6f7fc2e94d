import { didYouMean } from './core/suggest.js';

/** Thrown when a function is given arguments of the wrong shape, rank or size. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Thrown when an option or argument has an invalid value (unknown name, out of range, ...). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** Thrown when the library is used before `await init()`. */
export class NotInitializedError extends Error {
  override name = 'NotInitializedError';
}

/** Formats a shape the way error messages show it: `[32, 28, 28]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A boolean option; returns it, or throws naming the function and the value received. */
export function checkFlag(who: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${who}: ${name} must be true or false, got ${String(value)}`);
  return value;
}

/**
 * Throws unless `options` (named `what` in the error) is an object, not null or an array, and,
 * when `accepted` is given, has no key outside it (the error names the closest accepted key and
 * lists them all); returns it. The one check behind every options object: `core/options.ts`
 * builds its schemas on it, and optimizers, ops, callbacks and data call it directly.
 */
export function checkOptions<T>(who: string, options: T, what = 'options', accepted?: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${who}: ${what} must be an object, got ${Array.isArray(options) ? JSON.stringify(options) : String(options)}`);
  }
  if (accepted !== undefined) {
    for (const key in options) {
      if (!Object.prototype.hasOwnProperty.call(options, key) || accepted.includes(key)) continue;
      const noun = what === 'options' ? 'option' : `${what} key`;
      throw new ValueError(`${who}: unknown ${noun} '${key}'${didYouMean(key, accepted)}; accepted: ${accepted.join(', ') || '(none)'}`);
    }
  }
  return options;
}
