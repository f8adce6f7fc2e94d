// The bad-input suite (issue 15): fast-check draws valid and bad calls of every public entry in
// ENTRIES (fixed seed, bounded runs). Each outcome must be a clear error naming the entry or a
// correct result, and after each call a known model and a known matmul must still be right.
// Failures in code this suite's author did not own are listed in KNOWN_FAILURES; each row is
// re-run on its own input and must still fail, so a fix shows up as a row to delete.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { classify, type Case, type Outcome } from './bad-input/classify.js';
import { ENTRIES } from './bad-input/entries.js';
import { KNOWN_FAILURES, knownKey } from './bad-input/known-failures.js';

const SEED = 15;
const RUNS_PER_ENTRY = 60;

describe('bad-input suite', () => {
  test(`every public entry: ${RUNS_PER_ENTRY} drawn calls each (seed ${SEED})`, async () => {
    const counts: Record<Outcome | 'known failure', number> = {
      'clear error': 0, 'correct result': 0, corruption: 0, crash: 0, hang: 0, 'silent acceptance': 0, 'wrong result': 0, 'known failure': 0,
    };
    const failures: string[] = [];
    const known = new Set(KNOWN_FAILURES.map((row) => knownKey(row.entry, row.kind)));
    let cases = 0;
    const untested: string[] = [];
    for (const e of ENTRIES) {
      const drawn = fc.sample(e.cases, { seed: SEED, numRuns: RUNS_PER_ENTRY }) as Case[];
      // Each entry must be drawn both ways, or its generators are broken.
      if (!drawn.some((c) => c.kind === 'valid') || drawn.every((c) => c.kind === 'valid')) untested.push(e.entry);
      for (const c of drawn) {
        cases++;
        if (process.env.BAD_INPUT_TRACE) process.stderr.write(`${c.entry} [${c.kind}]\n`);
        const { outcome, detail } = await classify(c, e.names);
        if (outcome === 'clear error' || outcome === 'correct result') counts[outcome]++;
        else if (known.has(knownKey(c.entry, c.kind)) && outcome !== 'corruption' && outcome !== 'hang') counts['known failure']++;
        else {
          counts[outcome]++;
          failures.push(`${c.entry} [${c.kind}]: ${outcome}: ${detail}`);
        }
      }
    }
    console.log(`bad-input suite: ${cases} cases: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    expect(untested, 'entries drawn without valid or without bad calls').toEqual([]);
    expect(counts['correct result'], 'valid calls that came out right').toBeGreaterThan(0);
    expect([...new Set(failures)]).toEqual([]);
  });

  test('known failures still fail (delete a row when its fix lands)', async () => {
    const names = new Map(ENTRIES.map((e) => [e.entry, e.names]));
    const fixed: string[] = [];
    for (const row of KNOWN_FAILURES) {
      const entryNames = names.get(row.entry);
      expect(entryNames, `${row.entry} is not an entry of the suite`).toBeDefined();
      const { outcome, detail } = await classify({ entry: row.entry, kind: row.kind, call: row.call }, entryNames!);
      if (outcome === 'clear error' || outcome === 'correct result') fixed.push(`${knownKey(row.entry, row.kind)} now gives ${outcome}: ${detail}`);
      expect(['corruption', 'hang'], `${knownKey(row.entry, row.kind)}: ${detail}`).not.toContain(outcome);
    }
    expect(fixed, 'these known failures pass now: remove their rows from KNOWN_FAILURES').toEqual([]);
  });
});
