// The README's "Training with adamw, a cosine schedule and early stopping" example runs as written
// (transpiled from the README itself), on synthetic data.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';
import * as tensorlane from '../../src/index.js';
import { randomArray } from '../util.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = '## Training with adamw, a cosine schedule and early stopping';

test('the README training example runs and stops early with the best weights restored', async () => {
  const section = README.slice(README.indexOf(SECTION));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const body = code
    .replace(/^import .*$/m, '')
    .replace('await model.fit(x, y, {', 'await model.fit(x, y, { verbose: 0,');
  const js = ts.transpileModule(`(async () => {\n${body}\nreturn { stop, log, model };\n})()`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  // y = sum of the first three features, plus noise that the validation split cannot learn.
  const n = 200;
  const xs = randomArray(n * 20, 7);
  const noise = randomArray(n, 8, -0.5, 0.5);
  const ys = Float32Array.from({ length: n }, (_, i) => xs[i * 20]! + xs[i * 20 + 1]! + xs[i * 20 + 2]! + noise[i]!);
  const printed: string[] = [];
  const run = new Function('init', 'Sequential', 'layers', 'losses', 'optimizers', 'schedules', 'callbacks', 'x', 'y', 'console', `return ${js}`);
  const { stop, log, model } = await run(
    tensorlane.init, tensorlane.Sequential, tensorlane.layers, tensorlane.losses, tensorlane.optimizers, tensorlane.schedules, tensorlane.callbacks,
    tensorlane.tensor(xs, [n, 20]), tensorlane.tensor(ys, [n, 1]), { log: (m: string) => printed.push(m) },
  );
  expect(printed[0]).toBe(`stopped at epoch ${stop.stoppedEpoch}, best epoch ${stop.bestEpoch}`);
  expect(printed[1]!.split('\n')[0]).toBe('epoch,loss,val_loss');
  expect(log.rows.length).toBeGreaterThan(stop.bestEpoch);
  expect(model.optimizer.name).toBe('adamw');
  // Stopped before epoch 30 and put back the weights whose val_loss was the lowest: evaluating
  // them on the validation split (the last 20 %) gives that epoch's val_loss again.
  expect(stop.stoppedEpoch).toBeGreaterThan(stop.bestEpoch);
  expect(stop.stoppedEpoch).toBeLessThan(29);
  const val = log.rows.map((r: Record<string, number>) => r.val_loss!);
  expect(val[stop.bestEpoch]).toBe(Math.min(...val));
  const xVal = tensorlane.tensor(xs.slice(160 * 20), [40, 20]);
  const yVal = tensorlane.tensor(ys.slice(160), [40, 1]);
  expect(model.evaluate(xVal, yVal).loss).toBeCloseTo(val[stop.bestEpoch], 6);
});
