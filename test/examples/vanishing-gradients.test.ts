// examples/vanishing-gradients.ts run as a user runs it (small: depth 8, width 32, batch 64):
// with sigmoid the first layer's kernel gradient is orders of magnitude smaller than the last's;
// with ReLU the per-layer norms stay within a small factor of each other.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'tensorlane-vanishing-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('examples/vanishing-gradients.ts', () => {
  test('sigmoid gradients vanish towards the input, ReLU ones much less', () => {
    const args = [join(ROOT, 'examples/vanishing-gradients.ts'), '--depth', '8', '--width', '32', '--batch', '64', '--out', OUT];
    const printed = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const rows = [...printed.matchAll(/^\| (\d+) \| ([0-9.e+-]+) \| ([0-9.e+-]+) \|$/gm)].map((m) => [Number(m[2]), Number(m[3])] as const);
    expect(rows.length, printed).toBe(8);
    for (const [s, r] of rows) {
      expect(s).toBeGreaterThan(0);
      expect(r).toBeGreaterThan(0);
    }
    const sigmoid = rows[0]![0] / rows[7]![0];
    const relu = rows[0]![1] / rows[7]![1];
    expect(sigmoid, printed).toBeLessThan(1e-2);
    expect(relu, printed).toBeGreaterThan(100 * sigmoid);
    expect(relu, printed).toBeGreaterThan(0.1);
    const png = decode(readFileSync(join(OUT, 'norms.png')));
    expect(png.channels).toBe(3);
  }, 70_000);
});
