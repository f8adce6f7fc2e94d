// examples/vae.ts run tiny (1,024 training images, 3 epochs, a 1-epoch classifier): the KL term
// is positive every epoch, the ELBO improves from the first epoch to the last, the test ELBO is
// finite and the pictures and the sample-quality lines are written.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-vae-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('examples/vae.ts', () => {
  test('KL is positive and the ELBO improves', () => {
    const args = [join(ROOT, 'examples/vae.ts'), '--train', '1024', '--epochs', '3', '--batch-size', '32', '--verbose', '0', '--classifier-epochs', '1', '--samples', '200', '--out', OUT];
    const printed = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
    const epochs = [...printed.matchAll(/^epoch \d+: ELBO (-?[0-9.]+), KL (-?[0-9.]+)$/gm)].map((m) => ({ elbo: Number(m[1]), kl: Number(m[2]) }));
    expect(epochs.length, printed).toBe(3);
    for (const e of epochs) expect(e.kl, printed).toBeGreaterThan(0);
    expect(epochs[2]!.elbo, printed).toBeGreaterThan(epochs[0]!.elbo + 10);
    const m = /test ELBO (-?[0-9.]+) nats per image \(reconstruction ([0-9.]+), KL ([0-9.]+)/.exec(printed);
    expect(m, printed).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(0);
    expect(Number(m![3])).toBeGreaterThan(0);
    expect(printed).toMatch(/real test images \(2000\): [0-9.]+% classified with confidence > 0.9, class entropy [0-9.]+ bits/);
    expect(printed).toMatch(/VAE samples \(200\): [0-9.]+% classified/);
    expect(decode(readFileSync(join(OUT, 'latent.png'))).channels).toBe(3);
    const manifold = decode(readFileSync(join(OUT, 'manifold.png')));
    expect(manifold.width).toBe(15 * 28 * 2);
  }, 120_000);
});
