import { describe, expect, test } from 'vitest';
import { heap, withScratch } from '../../src/backend/memory.js';
import { GEOMETRY_BYTES, writeGeometry, type Fill } from '../../src/augment/kernels.js';
import { affineWarpReference, mapIndexReference, type FillModeName, type WarpCase } from '../reference/augment.js';
import { expectClose, fromWasm, k, randomArray, toWasm } from '../util.js';

const MODES: FillModeName[] = ['constant', 'reflect', 'wrap', 'nearest'];
const SIZES: Array<[number, number]> = [[1, 1], [2, 3], [3, 5], [5, 7], [7, 2], [17, 9], [9, 33], [4, 65]];

/** Rotation + scale + shift matrices that reach well outside the image. */
function matrices(n: number, h: number, w: number, seed: number): Float32Array {
  const r = randomArray(n * 4, seed);
  const m = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    const angle = r[4 * i]! * 3;
    const scale = 1 + 0.6 * r[4 * i + 1]!;
    const c = Math.cos(angle) * scale;
    const s = Math.sin(angle) * scale;
    m.set([c, -s, r[4 * i + 2]! * w * 1.5, s, c, r[4 * i + 3]! * h * 1.5], i * 6);
  }
  return m;
}

function runWarp(symbol: 'f32_affine_warp' | 'f32_affine_warp__scalar', t: WarpCase): Float32Array {
  const [n, , , c] = t.shape;
  const fill: Fill = { fillMode: t.fillMode, interpolation: t.interpolation, fillValue: t.fillValue };
  const pin = toWasm(t.input);
  const pm = toWasm(t.matrices);
  const pout = toWasm(new Float32Array(n * t.outH * t.outW * c).fill(NaN));
  try {
    withScratch((alloc) => {
      const g = alloc(GEOMETRY_BYTES);
      writeGeometry(g, t.shape, [n, t.outH, t.outW, c], fill);
      k()[symbol]!(pout, pin, pm, g);
    });
    return fromWasm(pout, n * t.outH * t.outW * c);
  } finally {
    for (const p of [pin, pm, pout]) heap().free(p);
  }
}

describe('mapIndexReference', () => {
  test("follows Keras's fill-mode pictures for a row a b c d", () => {
    const row = (mode: FillModeName) => [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => mapIndexReference(i, 4, mode));
    expect(row('reflect')).toEqual([3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
    expect(row('wrap')).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    expect(row('nearest')).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3]);
    expect(row('constant')).toEqual([-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1]);
  });
});

describe.each(['f32_affine_warp', 'f32_affine_warp__scalar'] as const)('%s', (symbol) => {
  test.each(MODES)('matches the reference on odd sizes with fill mode %s, bilinear and nearest', (fillMode) => {
    let seed = 100;
    for (const [h, w] of SIZES) {
      for (const c of [1, 2, 3, 4, 5, 7]) {
        for (const interpolation of ['bilinear', 'nearest'] as const) {
          const n = 2;
          const outH = Math.max(1, h + (seed % 3) - 1);
          const outW = Math.max(1, w + (seed % 5) - 2);
          const t: WarpCase = {
            input: randomArray(n * h * w * c, seed), shape: [n, h, w, c], outH, outW,
            matrices: matrices(n, h, w, seed + 1), fillMode, interpolation, fillValue: 0.25,
          };
          seed += 2;
          expectClose(runWarp(symbol, t), affineWarpReference(t), `${symbol} ${fillMode} ${interpolation} ${n}x${h}x${w}x${c} -> ${outH}x${outW}`, 1e-5, 2e-6);
        }
      }
    }
  });
});

describe('f32_affine_warp', () => {
  test('is bit-identical to f32_affine_warp__scalar (c = 1 vector path and channel vectors)', () => {
    let seed = 7;
    for (const fillMode of MODES) {
      for (const [h, w, c] of [[28, 28, 1], [13, 11, 1], [32, 32, 3], [5, 9, 4], [6, 6, 8]] as const) {
        const t: WarpCase = {
          input: randomArray(3 * h * w * c, seed), shape: [3, h, w, c], outH: h, outW: w,
          matrices: matrices(3, h, w, seed + 1), fillMode, interpolation: seed % 2 ? 'bilinear' : 'nearest', fillValue: -1,
        };
        seed += 3;
        const fast = runWarp('f32_affine_warp', t);
        const slow = runWarp('f32_affine_warp__scalar', t);
        expect(Buffer.from(fast.buffer).equals(Buffer.from(slow.buffer)), `${fillMode} ${h}x${w}x${c}`).toBe(true);
      }
    }
  });

  test('is the identity for the identity matrix and a whole-pixel shift copies pixels exactly', () => {
    const input = randomArray(2 * 5 * 7 * 3, 3);
    const identity = runWarp('f32_affine_warp', {
      input, shape: [2, 5, 7, 3], outH: 5, outW: 7, matrices: Float32Array.of(1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0),
      fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0,
    });
    expect(identity).toEqual(input);
    const shifted = runWarp('f32_affine_warp', {
      input, shape: [1, 5, 7, 3], outH: 3, outW: 4, matrices: Float32Array.of(1, 0, 2, 0, 1, 1),
      fillMode: 'constant', interpolation: 'bilinear', fillValue: 0,
    });
    expect(shifted[0]).toBe(input[(1 * 7 + 2) * 3]);
    expect(shifted[(2 * 4 + 3) * 3 + 2]).toBe(input[(3 * 7 + 5) * 3 + 2]);
  });

  test('survives extreme matrices without reading outside the input', () => {
    const t: WarpCase = {
      input: randomArray(1 * 4 * 4 * 1, 1), shape: [1, 4, 4, 1], outH: 4, outW: 4,
      matrices: Float32Array.of(1e6, -1e6, 1e6, 1e6, 1e6, -1e6), fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0,
    };
    const out = runWarp('f32_affine_warp', t);
    expectClose(out, affineWarpReference(t), 'extreme matrix', 1e-5, 2e-6);
    // Reflected bilinear samples are convex combinations of input pixels: nothing outside their range.
    const lo = Math.min(...t.input);
    const hi = Math.max(...t.input);
    expect(out.every((v) => v >= lo - 1e-6 && v <= hi + 1e-6), `outputs within [${lo}, ${hi}]: ${Array.from(out).join(', ')}`).toBe(true);
  });
});
