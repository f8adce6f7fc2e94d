// Runs one call of a public entry and says what happened: a clear error, a correct result, or one
// of the failures the bad-input suite counts (corruption, crash, hang, silent acceptance).
import { checkMatmul, knownModel } from '../health.js';

export type Outcome = 'clear error' | 'correct result' | 'corruption' | 'crash' | 'hang' | 'silent acceptance' | 'wrong result';

/** A call of one public entry, with what it must do. */
export interface Case {
  /** The entry, as users write it: 'ops.matmul', 'layers.dense', ... */
  entry: string;
  /** 'valid', or which argument was made bad and how: 'options:typo', 'a:notATensor', ... */
  kind: string;
  /** The call itself (may return a promise). */
  call: () => unknown;
  /** Valid cases: throws unless the result is right. */
  check?: (result: unknown) => void;
}

/** A clear error names the entry (one of these words) and is not an engine error from inside. */
const ENGINE = /Cannot read properties|is not a function|is not iterable|is not a constructor|Do not know how to serialize|Cannot convert|Cannot mix BigInt|Invalid typed array length|Array buffer allocation failed|memory access out of bounds|unreachable|Maximum call stack/;

export const HANG_MS = 3000;

let health: { check: () => void } | undefined;

/** Throws unless a known model predicts as before and a known matmul is exact. */
export function libraryHealthy(): void {
  if (health === undefined) {
    const { model, x } = knownModel();
    const want = Array.from(model.predict(x).data);
    health = {
      check(): void {
        const got = Array.from(model.predict(x).data);
        if (got.some((v, i) => v !== want[i])) throw new Error('a known model predicts differently');
        checkMatmul(17);
      },
    };
  }
  health.check();
}

function isClear(error: unknown, names: RegExp): boolean {
  if (!(error instanceof Error) || error instanceof WebAssembly.RuntimeError) return false;
  return names.test(error.message) && !ENGINE.test(error.message);
}

/** Runs `c`, then checks the library's health; returns the outcome and what was seen. */
export async function classify(c: Case, names: RegExp): Promise<{ outcome: Outcome; detail: string }> {
  const started = performance.now();
  let result: unknown;
  let error: unknown;
  let threw = false;
  try {
    result = await c.call();
  } catch (e) {
    threw = true;
    error = e;
  }
  const elapsed = performance.now() - started;
  try {
    libraryHealthy();
  } catch (e) {
    return { outcome: 'corruption', detail: `after ${threw ? `throwing ${describe(error)}` : 'returning'}: ${(e as Error).message}` };
  }
  if (elapsed > HANG_MS) return { outcome: 'hang', detail: `took ${Math.round(elapsed)} ms` };
  if (threw) {
    return isClear(error, names) ? { outcome: 'clear error', detail: describe(error) } : { outcome: 'crash', detail: `unclear error: ${describe(error)}` };
  }
  if (c.kind !== 'valid') return { outcome: 'silent acceptance', detail: `returned ${describeResult(result)}` };
  try {
    c.check?.(result);
  } catch (e) {
    return { outcome: 'wrong result', detail: (e as Error).message };
  }
  return { outcome: 'correct result', detail: '' };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.slice(0, 160)}` : `a thrown ${typeof e}`;
}

function describeResult(r: unknown): string {
  if (r !== null && typeof r === 'object' && 'shape' in r) return `a Tensor [${String((r as { shape: number[] }).shape)}]`;
  if (r !== null && typeof r === 'object') return `a ${(r as object).constructor?.name ?? 'object'}`;
  return String(r);
}
