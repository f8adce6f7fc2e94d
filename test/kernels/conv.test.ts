import { describe, expect, test } from 'vitest';
import {
  convForwardRef, convBackwardInputRef, convBackwardFilterRef, biasBackwardRef, convTransposeForwardRef,
  finiteDifferences, sampleCases, caseName, AXES, PATH_SHAPES, type ConvCase,
} from '../reference/conv.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import {
  conv2dGeometry, depthwiseConv2dGeometry, conv2dTransposeGeometry, convForwardPtr, convBackwardInputPtr,
  convBackwardFilterPtr, convBackwardBiasPtr, type ConvGeometry, type ConvKind,
} from '../../src/ops/conv.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The geometry of a case for a kind (throws when the window does not fit). */
function geometryOf(kind: ConvKind, c: ConvCase): ConvGeometry {
  const options = { strides: c.stride, dilationRate: c.dilation, padding: c.padding };
  const [kH, kW] = c.kernel;
  const input = [c.batch, c.h, c.w, c.c];
  if (kind === 'conv2d') return conv2dGeometry(input, [kH, kW, c.c, c.outC], options);
  if (kind === 'depthwiseConv2d') return depthwiseConv2dGeometry(input, [kH, kW, c.c, c.dm], options);
  return conv2dTransposeGeometry(input, [kH, kW, c.outC, c.c], options);
}

function fits(kind: ConvKind) {
  return (c: ConvCase) => {
    try {
      geometryOf(kind, c);
      return true;
    } catch {
      return false;
    }
  };
}

/** Runs every kernel of one kind on one case and compares with the f64 reference. */
function checkKernels(kind: ConvKind, c: ConvCase, seed: number): void {
  const g = geometryOf(kind, c);
  const s = g.struct;
  const depthwise = kind === 'depthwiseConv2d';
  const transpose = kind === 'conv2dTranspose';
  const x = randomArray(g.inputSize, seed);
  const w = randomArray(size(g.filterShape!), seed + 1);
  const outC = g.outputShape[3]!;
  const bias = seed % 2 === 0 ? randomArray(outC, seed + 2) : undefined;
  const relu = seed % 3 === 0;
  const dy = randomArray(g.outputSize, seed + 3);
  const dx0 = randomArray(g.inputSize, seed + 4);
  const dw0 = randomArray(w.length, seed + 5);
  const db0 = randomArray(outC, seed + 6);
  // Conv2dTranspose: forward = input-gradient of its conv2d; gradients = conv2d forward / filter gradient with x, dy swapped.
  const yRef = transpose ? convTransposeForwardRef(s, x, w, bias, relu) : convForwardRef(s, depthwise, x, w, bias, relu);
  const dxRef = transpose ? convForwardRef(s, false, dy, w) : convBackwardInputRef(s, depthwise, dy, w);
  const dwRef = transpose ? convBackwardFilterRef(s, false, dy, x, w.length) : convBackwardFilterRef(s, depthwise, x, dy, w.length);
  const dbRef = biasBackwardRef(dy, outC);
  const terms = size(g.filterShape!) / (depthwise ? c.dm : 1);
  const tol = 3e-6 * Math.sqrt(terms + 1);
  const termsFilter = g.outputSize;
  const tolFilter = 3e-6 * Math.sqrt(termsFilter + 1);

  const ptrs = [x, w, dy, dx0, dw0, db0, new Float32Array(g.outputSize)].map(toWasm);
  const [px, pw, pdy, pdx, pdw, pdb, py] = ptrs as [number, number, number, number, number, number, number];
  const pbias = bias ? toWasm(bias) : 0;
  const fused: number[] = [];
  const label = `${kind} ${caseName(c)}`;
  try {
    convForwardPtr(g, { y: py, x: px, w: pw, bias: pbias, activation: relu ? 'relu' : 'linear' });
    expectClose(fromWasm(py, g.outputSize), yRef, `${label} forward bias=${!!bias} relu=${relu}`, tol, tol);
    convBackwardInputPtr(g, { dx: pdx, dy: pdy, w: pw });
    expectClose(fromWasm(pdx, g.inputSize), dxRef.map((v, i) => v + dx0[i]!), `${label} backward input (+=)`, tol, tol);
    convBackwardFilterPtr(g, { dw: pdw, dy: pdy, x: px });
    expectClose(fromWasm(pdw, w.length), dwRef.map((v, i) => v + dw0[i]!), `${label} backward filter (+=)`, tolFilter, tolFilter);
    convBackwardBiasPtr(g, { db: pdb, dy: pdy });
    expectClose(fromWasm(pdb, outC), dbRef.map((v, i) => v + db0[i]!), `${label} backward bias (+=)`, tolFilter, tolFilter);
    // The bias gradient summed inside the filter-gradient pass: the same bits as the two passes.
    fused.push(toWasm(dw0), toWasm(db0));
    convBackwardFilterPtr(g, { dw: fused[0]!, dy: pdy, x: px, db: fused[1]! });
    expect(Array.from(fromWasm(fused[0]!, w.length)), `${label} filter gradient with fused bias`).toEqual(Array.from(fromWasm(pdw, w.length)));
    expect(Array.from(fromWasm(fused[1]!, outC)), `${label} bias gradient fused into the filter pass`).toEqual(Array.from(fromWasm(pdb, outC)));
  } finally {
    [...ptrs, ...fused, pbias].forEach((p) => heap().free(p));
    g.release();
  }
}

const KINDS: ConvKind[] = ['conv2d', 'depthwiseConv2d', 'conv2dTranspose'];

describe.each(KINDS)('%s kernels', (kind) => {
  const cases = sampleCases(40, 7 + KINDS.indexOf(kind), fits(kind));

  test('the sampled cases cover every value of every axis', () => {
    for (const [axis, values] of Object.entries(AXES)) {
      for (const v of values) {
        expect(cases.some((c) => JSON.stringify(c[axis as keyof ConvCase]) === JSON.stringify(v)), `${axis} = ${JSON.stringify(v)}`).toBe(true);
      }
    }
  });

  test('forward, input, filter and bias gradients match the f64 reference', () => {
    cases.forEach((c, i) => checkKernels(kind, c, 100 + i));
  });

  test('every algorithm path matches the reference at panel and tile edges', () => {
    // Two seeds per shape: with and without the fused bias (ReLU on every third seed).
    PATH_SHAPES.forEach((c, i) => [0, 1].forEach((b) => checkKernels(kind, c, 500 + 2 * i + b)));
  });
});

describe('reference convolution gradients', () => {
  // Small cases: every kind's reference backward against central differences of its forward.
  const cases = sampleCases(6, 3, (c) => c.batch * c.h * c.w * c.c <= 200 && fits('conv2d')(c) && fits('conv2dTranspose')(c));
  test.each(KINDS)('%s: input and filter gradients equal finite differences of the forward', (kind) => {
    cases.forEach((c, n) => {
      const g = geometryOf(kind, c);
      const s = g.struct;
      const depthwise = kind === 'depthwiseConv2d';
      const x = Float64Array.from(randomArray(g.inputSize, n + 1));
      const w = Float64Array.from(randomArray(size(g.filterShape!), n + 2));
      const r = randomArray(g.outputSize, n + 3);
      const forward = (xv: Float64Array, wv: Float64Array) =>
        kind === 'conv2dTranspose' ? convTransposeForwardRef(s, xv, wv) : convForwardRef(s, depthwise, xv, wv);
      const dx = kind === 'conv2dTranspose' ? convForwardRef(s, false, r, w) : convBackwardInputRef(s, depthwise, r, w);
      const dw = kind === 'conv2dTranspose' ? convBackwardFilterRef(s, false, r, x, w.length) : convBackwardFilterRef(s, depthwise, x, r, w.length);
      const xi = [...Array(Math.min(x.length, 25)).keys()].map((i) => (i * 7919) % x.length);
      const wi = [...Array(Math.min(w.length, 25)).keys()].map((i) => (i * 7919) % w.length);
      expectClose(finiteDifferences((v) => forward(v, w), x, r, xi), xi.map((i) => dx[i]!), `${kind} ${caseName(c)} dx vs FD`, 1e-6, 1e-7);
      expectClose(finiteDifferences((v) => forward(x, v), w, r, wi), wi.map((i) => dw[i]!), `${kind} ${caseName(c)} dw vs FD`, 1e-6, 1e-7);
      g.release();
    });
  });
});
