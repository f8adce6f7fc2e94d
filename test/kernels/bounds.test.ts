// Pointer-level functions check (in tests, and with TENSORLANE_CHECK_POINTERS=1) that every range
// they pass to a kernel lies inside one live heap block: a wrong pointer or size throws a
// ValueError naming the function and the buffer instead of corrupting wasm memory.
import { afterEach, describe, expect, test } from 'vitest';
import { heap } from '../../src/backend/memory.js';
import { checkRange, liveBlockContaining, pointerChecksEnabled, setPointerChecks } from '../../src/kernels/bounds.js';
import { activationForwardPtr } from '../../src/ops/activation.js';
import { gemm } from '../../src/ops/matmul.js';
import { maxPool2dForwardPtr, pool2dGeometry } from '../../src/ops/pool.js';
import { conv2dForwardPtr, conv2dGeometry } from '../../src/ops/conv.js';
import { batchNormTrainForwardPtr } from '../../src/ops/norm.js';
import { dropoutForwardPtr } from '../../src/ops/random.js';
import { Rng } from '../../src/random.js';
import * as optimizers from '../../src/optimizers/index.js';

const blocks: number[] = [];
const alloc = (floats: number): number => {
  const p = heap().alloc(floats * 4);
  blocks.push(p);
  return p;
};
afterEach(() => {
  for (const p of blocks.splice(0)) heap().free(p);
  setPointerChecks(true);
});

describe('checkRange', () => {
  test('is on under vitest', () => {
    expect(pointerChecksEnabled()).toBe(true);
  });

  test('accepts ranges inside a live block, at its start, middle and end', () => {
    const p = alloc(8);
    const found: [number, number] = [0, 0];
    expect(liveBlockContaining(p + 4, found)).toBe(true);
    expect(found[0]).toBe(p);
    expect(() => checkRange('f', 'x', p, 32)).not.toThrow();
    expect(() => checkRange('f', 'x', p + 16, 16)).not.toThrow();
    expect(() => checkRange('f', 'x', 0, 0)).not.toThrow(); // empty: touches nothing
  });

  test('rejects null, unallocated, freed and overrunning ranges, naming the function and the buffer', () => {
    const p = alloc(4);
    expect(() => checkRange('f', 'x', 0, 4)).toThrow(/f: x at byte 0 \(4 bytes\) is not inside a live wasm allocation/);
    expect(() => checkRange('f', 'y', p, 17)).toThrow(/f: y at byte \d+ \(17 bytes\) runs past the end of its allocation/);
    expect(() => checkRange('f', 'x', 1.5, 4)).toThrow(/not inside/);
    const q = heap().alloc(64);
    heap().free(q);
    expect(() => checkRange('f', 'x', q, 4)).toThrow(/not inside/);
    expect(() => checkRange('f', 'x', 2 ** 40, 4)).toThrow(/not inside/);
  });

  test('can be switched off', () => {
    setPointerChecks(false);
    expect(() => checkRange('f', 'x', 0, 4)).not.toThrow();
  });
});

describe('pointer-level ops reject a range outside their buffers', () => {
  test('activation', () => {
    // Blocks are 16-byte multiples: 8 floats fill theirs exactly.
    const x = alloc(8);
    const y = alloc(8);
    expect(() => activationForwardPtr({ name: 'relu' }, y, x, 8, 8)).not.toThrow();
    expect(() => activationForwardPtr({ name: 'relu' }, y, x, 9, 9)).toThrow(/relu: y at byte \d+ \(36 bytes\) runs past/);
    expect(() => activationForwardPtr({ name: 'relu' }, 0, x, 8, 8)).toThrow(/relu: y at byte 0/);
  });

  test('gemm: C, A, B and bias', () => {
    // C first and a spacer after it, so an overrun of C overlaps no operand.
    const c = alloc(4);
    alloc(16);
    const a = alloc(8), b = alloc(8);
    expect(() => gemm({ m: 2, n: 2, k: 4, a, b, c })).not.toThrow();
    expect(() => gemm({ m: 2, n: 3, k: 2, a, b, c })).toThrow(/gemm: C at byte \d+ \(24 bytes\) runs past/);
    expect(() => gemm({ m: 2, n: 2, k: 5, a, b, c })).toThrow(/gemm: A at byte/);
    expect(() => gemm({ m: 2, n: 2, k: 3, a, b, c, bias: 8 })).toThrow(/gemm: bias at byte 8/);
  });

  test('pooling and convolution check against their geometry', () => {
    const g = pool2dGeometry([1, 4, 4, 2], { poolSize: 2 });
    const x = alloc(32), y = alloc(4);
    expect(() => maxPool2dForwardPtr(g, { y, x })).toThrow(/maxPool2dForwardPtr: y at byte \d+ \(32 bytes\) runs past/);
    const cg = conv2dGeometry([1, 4, 4, 2], [3, 3, 2, 3], { padding: 'same' });
    const w = alloc(56), out = alloc(48);
    expect(() => conv2dForwardPtr(cg, { y: out, x, w })).not.toThrow();
    expect(() => conv2dForwardPtr(cg, { y: out, x, w: alloc(52) })).toThrow(/conv2dForwardPtr: w at byte/);
    expect(() => conv2dForwardPtr(cg, { y: out, x, w, bias: x + 31 * 4 })).toThrow(/conv2dForwardPtr: bias at byte \d+ \(12 bytes\) runs past/);
    g.release();
    cg.release();
  });

  test('normalisation and dropout', () => {
    const v = (n: number) => alloc(n);
    const call = { y: v(24), x: v(24), gamma: v(6), beta: v(6), movingMean: v(6), movingVar: v(6), saveMean: v(6), saveInvStd: v(4), rows: 4, channels: 6 };
    expect(() => batchNormTrainForwardPtr(call)).toThrow(/batchNormTrainForwardPtr: saveInvStd at byte \d+ \(24 bytes\) runs past/);
    expect(() => dropoutForwardPtr({ y: v(8), mask: v(4), x: v(8), n: 8, rate: 0.5, rng: new Rng(1) })).toThrow(/dropoutForwardPtr: mask/);
  });

  test('an optimizer refuses parameters outside live blocks', () => {
    const p = alloc(4);
    expect(() => optimizers.adam().build([{ name: 'w', ptr: p, gradPtr: p + 4096 * 64, size: 4 }])).toThrow(/adam.build: gradient of 'w' at byte/);
  });
});
