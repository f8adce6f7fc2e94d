// examples/dcgan.ts run tiny (256 training images, 2 epochs of batch 32): both losses are printed
// and finite every epoch, the discriminator's accuracy on held-out real and fresh generated
// images is not 1.0, and the sample grids are written (every epoch here, and the final one).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-dcgan-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('examples/dcgan.ts', () => {
  test('trains with its custom trainStep and writes sample grids', () => {
    const args = [join(ROOT, 'examples/dcgan.ts'), '--train', '256', '--epochs', '2', '--every', '1', '--batch-size', '32', '--verbose', '0', '--classifier-epochs', '1', '--samples', '100', '--out', OUT];
    const printed = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
    const epochs = [...printed.matchAll(/^epoch \d+: dLoss ([0-9.]+), gLoss ([0-9.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(epochs.length, printed).toBe(2);
    for (const [d, g] of epochs) {
      expect(d, printed).toBeGreaterThan(0.1);
      expect(g, printed).toBeGreaterThan(0.05);
    }
    const acc = Number(/discriminator accuracy on .* samples ([0-9.]+)/.exec(printed)?.[1]);
    expect(acc, printed).toBeGreaterThan(0.3);
    expect(acc, printed).toBeLessThan(1);
    expect(printed).toMatch(/DCGAN samples \(100\): [0-9.]+% classified/);
    for (const file of ['samples-epoch-1.png', 'samples-epoch-2.png', 'samples.png']) {
      const png = decode(readFileSync(join(OUT, file)));
      expect(png.width).toBeGreaterThan(8 * 28 * 2);
    }
  }, 120_000);
});
