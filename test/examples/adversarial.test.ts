// examples/adversarial.ts run tiny (512 training images, 1 epoch): FGSM must lower the measured
// test accuracy, more for a larger eps; and the input gradient it relies on (valueAndGrad through
// model.apply and ops.loss) matches central finite differences on a tiny dense model.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, test } from 'vitest';
import { Input, layers, losses, Model, ops, tensor, valueAndGrad, type SymbolicTensor } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-adversarial-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('examples/adversarial.ts', () => {
  test('FGSM lowers the test accuracy, monotonically in eps, and the pictures are written', () => {
    const args = [join(ROOT, 'examples/adversarial.ts'), '--train', '512', '--epochs', '1', '--batch-size', '32', '--verbose', '0', '--eps', '0,0.02,0.1', '--out', OUT];
    const printed = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
    const acc = [...printed.matchAll(/^\| ([0-9.]+) \| ([0-9.]+) \|$/gm)].map((m) => Number(m[2]));
    expect(acc.length, printed).toBe(3);
    expect(acc[0], printed).toBeGreaterThan(0.2); // better than chance before the attack
    expect(acc[1], printed).toBeLessThan(acc[0]!);
    expect(acc[2], printed).toBeLessThan(0.75 * acc[0]!);
    for (const [file, rows] of [['fgsm.png', 3], ['saliency.png', 2]] as const) {
      const png = decode(readFileSync(join(OUT, file)));
      expect(png.width).toBeGreaterThan(10 * 28 * 4);
      expect(png.height).toBeGreaterThan(rows * 28 * 4);
    }
  }, 120_000);
});

describe('gradient with respect to the input', () => {
  test('matches central finite differences on a tiny dense classifier', () => {
    const x = Input({ shape: [5] });
    const h = layers.dense({ units: 7, activation: 'tanh' }).apply(x);
    const model = new Model({ inputs: x, outputs: layers.dense({ units: 3 }).apply(h), seed: 3 });
    const ce = losses.sparseCategoricalCrossentropy({ fromLogits: true });
    const f = valueAndGrad((xs: SymbolicTensor, ys: SymbolicTensor) => ops.loss(ce, ys, model.apply(xs)), { wrt: [0] });
    const xs = tensor([0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.5, -1.3, 0.05, 0.6, -0.2, 0.8, 0.1, -0.5, 0.7], [3, 5]);
    const ys = tensor([2, 0, 1], [3]);
    const { value, grads: [g] } = f(xs, ys);
    expect(value).toBeGreaterThan(0);
    const h0 = 1e-2;
    for (let i = 0; i < xs.size; i++) {
      const plus = tensor(xs.data.slice(), xs.shape);
      const minus = tensor(xs.data.slice(), xs.shape);
      plus.data[i]! += h0;
      minus.data[i]! -= h0;
      const numeric = (f(plus, ys).value - f(minus, ys).value) / (2 * h0);
      expect(g!.data[i]!).toBeCloseTo(numeric, 3);
    }
  });
});
