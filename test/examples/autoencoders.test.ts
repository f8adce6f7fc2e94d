// examples/autoencoder.ts and examples/denoising-autoencoder.ts run as a user runs them, tiny
// (1,024 training images of the committed subset, 3 epochs, seconds each), and must show their
// effect on the 2,000 test images: reconstructions closer than the mean training image, denoised
// images closer to the clean ones than the noisy inputs. Plus the figures they print.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, test } from 'vitest';
import { tensor } from '../../src/index.js';
import { firstOfEachClass, meanImage, meanImageMse, meanSquaredError, perImageMse, pick, rowsOf } from '../../examples/shared/autoencoders.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-examples-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** Runs an example with a tiny budget; returns what it printed. */
function runExample(name: string): string {
  const args = [join(ROOT, 'examples', `${name}.ts`), '--train', '1024', '--epochs', '3', '--batch-size', '32', '--verbose', '0', '--out', join(OUT, name)];
  return execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
}

/** The number after `label` in `text`, or a failure showing the text. */
function figure(text: string, label: RegExp): number {
  const m = new RegExp(`${label.source}\\s*([0-9.]+)`).exec(text);
  expect(m, `${label} in:\n${text}`).not.toBeNull();
  return Number(m![1]);
}

/** The PNG the example wrote: 3 rows of 10 images at scale 4 with labels. */
function expectGrid(path: string): void {
  const png = decode(readFileSync(path));
  expect(png.channels).toBe(1);
  expect(png.width).toBeGreaterThan(10 * 28 * 4);
  expect(png.height).toBeGreaterThan(3 * 28 * 4);
}

describe('examples/autoencoder.ts', () => {
  test('both autoencoders reconstruct the test set better than the mean training image', () => {
    const printed = runExample('autoencoder');
    const baseline = figure(printed, /predicting the mean training image:/);
    const dense = figure(printed, /dense autoencoder: test MSE/);
    const conv = figure(printed, /conv autoencoder: test MSE/);
    expect(baseline).toBeGreaterThan(0.05);
    expect(dense, printed).toBeLessThan(0.8 * baseline);
    expect(conv, printed).toBeLessThan(0.8 * baseline);
    expectGrid(join(OUT, 'autoencoder', 'reconstructions.png'));
  }, 120_000);
});

describe('examples/denoising-autoencoder.ts', () => {
  test('the denoised test images are closer to the clean ones than the noisy inputs', () => {
    const printed = runExample('denoising-autoencoder');
    const noisy = figure(printed, /\): noisy/);
    const denoised = figure(printed, /, denoised/);
    expect(noisy, printed).toBeCloseTo(0.16, 2); // noise stddev 0.4, not clipped
    expect(denoised, printed).toBeLessThan(0.6 * noisy);
    expectGrid(join(OUT, 'denoising-autoencoder', 'denoised.png'));
  }, 120_000);
});

describe('examples/shared/autoencoders.ts figures', () => {
  const x = tensor([0, 1, 2, 3, 4, 5, 6, 7], [4, 1, 2, 1]);

  test('meanImage averages over the batch and meanImageMse measures every image against it', () => {
    const mean = meanImage(x);
    expect(mean.shape).toEqual([1, 1, 2, 1]);
    expect([...mean.data]).toEqual([3, 4]);
    expect(meanImageMse(mean, x)).toBe((9 + 9 + 1 + 1 + 1 + 1 + 9 + 9) / 8);
  });

  test('meanSquaredError, perImageMse, rowsOf and pick', () => {
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 9], [4, 1, 2, 1]);
    expect(meanSquaredError(x, y)).toBe(4 / 8);
    expect(perImageMse(x, y)).toEqual([0, 0, 0, 2]);
    expect([...rowsOf(x, 1, 3).data]).toEqual([2, 3, 4, 5]);
    expect(pick(x, [3, 0]).shape).toEqual([2, 1, 2, 1]);
    expect([...pick(x, [3, 0]).data]).toEqual([6, 7, 0, 1]);
    expect(() => meanSquaredError(x, rowsOf(x, 0, 1))).toThrow(/meanSquaredError: sizes differ: \[4, 1, 2, 1\] and \[1, 1, 2, 1\]/);
  });

  test('firstOfEachClass finds the first index of every class, or names the missing one', () => {
    expect(firstOfEachClass(tensor([2, 0, 1, 0, 2]), 3)).toEqual([1, 2, 0]);
    expect(() => firstOfEachClass(tensor([0, 0]), 2)).toThrow(/no image of class 1 among 2 labels/);
  });
});
