// Unknown option keys of the tensor-level ops: a typo (`{ transposea: true }`, `{ stride: 2 }`)
// is an error naming the op, the key and the closest accepted one, never silently ignored.
// (main's src/errors.ts checkOptions takes the accepted keys itself; this branch's does not yet.)
import { ValueError } from '../errors.js';

/** Throws unless `options` is an object whose own keys are all in `accepted`; returns it. */
export function checkOptionKeys<T>(who: string, options: T, accepted: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${who}: options must be an object, got ${Array.isArray(options) ? showValue(options) : typeof options === 'bigint' ? `${String(options)}n` : String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (accepted.includes(key)) continue;
    const near = accepted.find((a) => a.toLowerCase() === key.toLowerCase() || editDistance(a.toLowerCase(), key.toLowerCase()) <= 2);
    throw new ValueError(`${who}: unknown option '${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}; accepted: ${accepted.join(', ')}`);
  }
  return options;
}

/** A value for an error message: JSON where possible, BigInts as `2n` (JSON.stringify throws on them). */
export function showValue(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${String(x)}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
