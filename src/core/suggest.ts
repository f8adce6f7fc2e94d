// The closest name to a misspelled one, for "did you mean" in error messages. Imports nothing.

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
