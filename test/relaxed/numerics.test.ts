// The relaxed-SIMD build's numbers against an f64 reference, beside the strict build's: GEMM and
// the three conv passes on odd sizes (tile edges) and on Winograd and direct-kernel shapes. The
// relaxed build runs in a child Node with --experimental-wasm-relaxed-simd (Node 20 has relaxed
// SIMD only behind that flag), from dist/ as `init({ simd: 'relaxed' })` loads it; the strict
// build runs here. The documented bound (README, "Relaxed SIMD"): every output y computed from K
// products x·w satisfies |y - ref| <= (K + 2) · 2^-24 · Σ|x·w|, the worst-case bound of a float32
// sum of K products with or without fused multiply-adds (plus the bias and the accumulate).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/index.js';
import { conv2dGeometry, type ConvOptions } from '../../src/ops/conv.js';
import { forEachTerm } from '../reference/conv.js';
import { randomArray } from '../util.js';

const U = 2 ** -24;

interface Case {
  name: string;
  op: 'matmul' | 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter';
  tensors: Tensor[];
  shape?: number[];
  options: ConvOptions;
  /** f64 reference, Σ|terms| and the number of terms of every output. */
  reference: { ref: Float64Array; scale: Float64Array; terms: Int32Array };
}

function matmulCase(m: number, k: number, n: number, seed: number): Case {
  const a = randomArray(m * k, seed);
  const b = randomArray(k * n, seed + 1);
  const ref = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        const t = a[i * k + p]! * b[p * n + j]!;
        ref[i * n + j]! += t;
        scale[i * n + j]! += Math.abs(t);
      }
    }
  }
  const terms = new Int32Array(m * n).fill(k);
  return { name: `matmul ${m}x${k}x${n}`, op: 'matmul', tensors: [tensor(a, [m, k]), tensor(b, [k, n])], options: {}, reference: { ref, scale, terms } };
}

/** The three passes of one conv2d geometry, each with its reference from the product terms. */
function convCases(input: number[], filter: number[], options: ConvOptions, seed: number): Case[] {
  const g = conv2dGeometry(input, filter, options);
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const x = randomArray(size(input), seed);
  const w = randomArray(size(filter), seed + 1);
  const dy = randomArray(g.outputSize, seed + 2);
  const pass = (n: number, term: (xi: number, yi: number, wi: number) => [number, number]) => {
    const ref = new Float64Array(n);
    const scale = new Float64Array(n);
    const terms = new Int32Array(n);
    forEachTerm(g.struct, false, (xi, yi, wi) => {
      const [i, t] = term(xi, yi, wi);
      ref[i]! += t;
      scale[i]! += Math.abs(t);
      terms[i]!++;
    });
    return { ref, scale, terms };
  };
  const label = `${input.join('x')} * ${filter.join('x')} ${JSON.stringify(options)}`;
  return [
    { name: `conv2d ${label}`, op: 'conv2d', tensors: [tensor(x, input), tensor(w, filter)], options, reference: pass(g.outputSize, (xi, yi, wi) => [yi, x[xi]! * w[wi]!]) },
    { name: `conv2dBackpropInput ${label}`, op: 'conv2dBackpropInput', tensors: [tensor(dy, g.outputShape), tensor(w, filter)], shape: input, options, reference: pass(x.length, (xi, yi, wi) => [xi, dy[yi]! * w[wi]!]) },
    { name: `conv2dBackpropFilter ${label}`, op: 'conv2dBackpropFilter', tensors: [tensor(x, input), tensor(dy, g.outputShape)], shape: filter, options, reference: pass(w.length, (xi, yi, wi) => [wi, x[xi]! * dy[yi]!]) },
  ];
}

function run(c: Case): Float32Array {
  if (c.op === 'matmul') return ops.matmul(c.tensors[0]!, c.tensors[1]!).data;
  if (c.op === 'conv2d') return ops.conv2d(c.tensors[0]!, c.tensors[1]!, c.options).data;
  if (c.op === 'conv2dBackpropInput') return ops.conv2dBackpropInput(c.tensors[0]!, c.tensors[1]!, c.shape!, c.options).data;
  return ops.conv2dBackpropFilter(c.tensors[0]!, c.tensors[1]!, c.shape!, c.options).data;
}

/** The largest error as a fraction of the bound (K + 2)·u·Σ|x·w|, and the largest |y - ref| / Σ|x·w| in units of u. */
function errors(y: Float32Array, { ref, scale, terms }: Case['reference']) {
  let ofBound = 0;
  let ulps = 0;
  for (let i = 0; i < y.length; i++) {
    if (scale[i] === 0) continue;
    const e = Math.abs(y[i]! - ref[i]!) / scale[i]!;
    ofBound = Math.max(ofBound, e / ((terms[i]! + 2) * U));
    ulps = Math.max(ulps, e / U);
  }
  return { ofBound, ulps };
}

const CASES: Case[] = [
  matmulCase(17, 65, 33, 1),
  matmulCase(64, 256, 96, 4),
  // Winograd (3x3, stride 1, channels in fours / sixteens), then direct micro-tile shapes.
  ...convCases([2, 14, 14, 32], [3, 3, 32, 64], { padding: 'same' }, 10),
  ...convCases([3, 9, 7, 5], [3, 3, 5, 17], { padding: 'same' }, 20),
  ...convCases([2, 12, 11, 16], [5, 5, 16, 33], { padding: 'valid' }, 30),
  ...convCases([2, 15, 15, 8], [3, 3, 8, 16], { padding: 'same', strides: 2 }, 40),
  ...convCases([1, 7, 7, 65], [1, 1, 65, 7], {}, 50),
];

let relaxed: Float32Array[];
let mode: string;

beforeAll(() => {
  expect(existsSync('dist/tensorlane-relaxed.wasm'), 'dist/ is missing: run `node scripts/build.mjs` first').toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'tensorlane-relaxed-'));
  try {
    const file = join(dir, 'cases.json');
    const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64');
    writeFileSync(file, JSON.stringify(CASES.map((c) => ({ op: c.op, tensors: c.tensors.map((t) => ({ shape: t.shape, bits: bits(t) })), shape: c.shape, options: c.options }))));
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', 'test/relaxed/dist-relaxed.mjs', file], { encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { simd: string; outputs: string[] };
    mode = result.simd;
    relaxed = result.outputs.map((b) => {
      const bytes = Buffer.from(b, 'base64');
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);

describe("init({ simd: 'relaxed' }) numerics (child Node with --experimental-wasm-relaxed-simd)", () => {
  test('the child runs the relaxed build', () => {
    expect(mode).toBe('relaxed');
  });

  test.each(CASES.map((c, i) => [c.name, i] as const))('%s: strict and relaxed stay within (K + 2)·2^-24·Σ|x·w| of the f64 reference', (name, i) => {
    const c = CASES[i]!;
    const strict = errors(run(c), c.reference);
    const fused = errors(relaxed[i]!, c.reference);
    if (process.env.RELAXED_ERROR_TABLE === '1') console.log(`| ${name} | ${strict.ulps.toFixed(2)} | ${fused.ulps.toFixed(2)} |`);
    expect(strict.ofBound, `${name}: strict error / bound`).toBeLessThanOrEqual(1);
    expect(fused.ofBound, `${name}: relaxed error / bound`).toBeLessThanOrEqual(1);
  });

  test('the fused multiply-adds change conv results (on a CPU with FMA, as every x86-64 since 2013 and every arm64)', () => {
    const changed = CASES.filter((c, i) => c.op !== 'matmul' && !run(c).every((v, j) => Object.is(v, relaxed[i]![j])));
    expect(changed.length).toBeGreaterThan(0);
  });
});
