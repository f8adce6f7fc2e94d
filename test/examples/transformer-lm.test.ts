// examples/transformer-lm.ts run as a user runs it, tiny (30,000 characters, one block of width
// 32, 2 epochs, seconds): the validation loss must fall below the uniform baseline and improve
// from epoch 1 to 2, and the sample must be text over the corpus's characters.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

test('examples/transformer-lm.ts learns next-character prediction on Genesis (tiny run)', () => {
  const args = [join(ROOT, 'examples/transformer-lm.ts'), '--chars', '30000', '--epochs', '2', '--context', '32', '--width', '32', '--blocks', '1', '--sample', '60'];
  const out = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  const baseline = Number(/uniform baseline: loss ([0-9.]+)/.exec(out)?.[1]);
  const epochs = [...out.matchAll(/epoch (\d)\/2: train loss ([0-9.]+), validation loss ([0-9.]+) perplexity ([0-9.]+)/g)].map((m) => ({ val: Number(m[3]), ppl: Number(m[4]) }));
  expect(epochs, out).toHaveLength(2);
  expect(baseline).toBeCloseTo(Math.log(57), 3);
  expect(epochs[1]!.val).toBeLessThan(epochs[0]!.val);
  expect(epochs[1]!.val).toBeLessThan(baseline - 0.8);
  for (const e of epochs) expect(e.ppl).toBeCloseTo(Math.exp(e.val), 1);
  const sample = /\nsample: (.*)\n$/s.exec(out)?.[1] ?? '';
  expect(sample.length, out).toBe(60);
  const corpus = new Set(readFileSync(join(ROOT, 'examples/data/kjv-genesis.txt'), 'utf8'));
  for (const c of sample) expect(corpus.has(c), `sampled ${JSON.stringify(c)}`).toBe(true);
}, 120_000);
