// The sparse and contractive autoencoders of examples/regularized-autoencoders.ts, tiny (1,024
// images of the committed subset, 3 epochs): each penalty shows its effect on the test images
// against the plain autoencoder trained the same way, and the example runs end to end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { data, io } from '../../src/index.js';
import { rowsOf } from '../../examples/shared/autoencoders.js';
import { codeStatistics, jacobianNorm, regularizedAutoencoder } from '../../examples/shared/regularized-autoencoders.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-regularized-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

test('the sparse penalty makes codes sparser, the contractive one shrinks the Jacobian; both still reconstruct', async () => {
  const { train, test: t } = await data.fashionMnist();
  const x = rowsOf(train.x, 0, 1024);
  const testX = rowsOf(t.x, 0, 500);
  const figures: Record<string, { nearZero: number; jacobian: number; loss: number }> = {};
  for (const kind of ['plain', 'sparse', 'contractive'] as const) {
    const { model, encoder } = regularizedAutoencoder(kind, { seed: 3, l1: 1e-3, lambda: 0.5 });
    const h = await model.fit(x, x, { epochs: 3, batchSize: 32, verbose: 0, seed: 3 });
    const codes = encoder.predict(testX);
    figures[kind] = { nearZero: codeStatistics(codes).nearZero, jacobian: jacobianNorm(codes, encoder.layers.at(-1)!.getWeights()[0]!), loss: h.history.loss!.at(-1)! };
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    if (kind === 'contractive') {
      const loaded = await io.load(io.save(model)); // the custom layer is registered by the shared module
      expect(Array.from(loaded.predict(rowsOf(testX, 0, 4)).data)).toEqual(Array.from(model.predict(rowsOf(testX, 0, 4)).data));
    }
  }
  expect(figures.sparse!.nearZero, JSON.stringify(figures)).toBeGreaterThan(figures.plain!.nearZero + 0.1);
  expect(figures.contractive!.jacobian, JSON.stringify(figures)).toBeLessThan(figures.plain!.jacobian * 0.8);
});

test('the example runs end to end and prints its three rows', () => {
  const args = [join(ROOT, 'examples/regularized-autoencoders.ts'), '--train', '512', '--epochs', '1', '--batch-size', '64', '--verbose', '0', '--out', join(OUT, 'run')];
  const text = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  for (const kind of ['plain', 'sparse', 'contractive']) expect(text).toMatch(new RegExp(`${kind}\\s+test MSE [0-9.]+, mean code [0-9.]+, near-zero [0-9.]+ %, \\|\\|J\\|\\|_F\\^2 [0-9.]+`));
  expect(text).toMatch(/Wrote .*reconstructions\.png/);
});
