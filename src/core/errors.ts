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

/** A value for an error message: JSON where possible, BigInts as `2n` (JSON.stringify throws on them). */
export function showValue(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${String(x)}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Throws unless `options` (named `what` in the error) is an object, not null or an array, and,
 * when `accepted` is given, has no key outside it (the error names the closest accepted key and
 * lists them all); returns it. The one check behind every options object: `core/options.ts`
 * builds its schemas on it, and optimizers, ops, callbacks and data call it directly.
 */
export function checkOptions<T>(who: string, options: T, what = 'options', accepted?: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${who}: ${what} must be an object, got ${Array.isArray(options) ? showValue(options) : typeof options === 'bigint' ? `${String(options)}n` : String(options)}`);
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

// ---- "did you mean": the closest name to a misspelled one ----------------------------------

/** Levenshtein distance between two short strings (case-insensitive, `_` and `-` ignored). */
export function editDistance(a: string, b: string): number {
  const s = fold(a);
  const t = fold(b);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[t.length]!;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The candidate closest to `name`, or undefined when none is close: within a third of the
 * name's length (at least 2 edits), so `batch_size` finds `batchSize` and `x` finds nothing.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)` for the closest candidate, or '' when none is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = closest(name, candidates);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}
