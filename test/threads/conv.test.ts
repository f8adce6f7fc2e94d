// Convolutions split over threads compute exactly what one thread computes: every algorithm path
// of assembly/conv.ts and winograd.ts (PATH_SHAPES, one shape per path) and a sample of the
// cartesian cases, for conv2d, depthwise conv2d and conv2d transpose, forward (with bias and
// ReLU), input gradient and filter gradient (with the bias gradient fused), each accumulating
// into non-zero buffers, on 2, 3 and 4 threads with every call split as finely as its units allow.
import { describe, expect, test } from 'vitest';
import { PATH_SHAPES, caseName, sampleCases, type ConvCase } from '../reference/conv.js';
import { randomArray } from '../util.js';
import { comparedCopies, type Instance } from './instances.js';

type Kind = 'conv2d' | 'depthwiseConv2d' | 'conv2dTranspose';
const KINDS: Kind[] = ['conv2d', 'depthwiseConv2d', 'conv2dTranspose'];

const copies = comparedCopies();

function geometryOf(lib: Instance, kind: Kind, c: ConvCase) {
  const options = { strides: c.stride, dilationRate: c.dilation, padding: c.padding };
  const [kH, kW] = c.kernel;
  const input = [c.batch, c.h, c.w, c.c];
  if (kind === 'conv2d') return lib.conv.conv2dGeometry(input, [kH, kW, c.c, c.outC], options);
  if (kind === 'depthwiseConv2d') return lib.conv.depthwiseConv2dGeometry(input, [kH, kW, c.c, c.dm], options);
  return lib.conv.conv2dTransposeGeometry(input, [kH, kW, c.outC, c.c], options);
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** y, dx (+=), dw (+=) and db (+=, fused into the filter pass for conv2d) of one case in `lib`, as bits. */
function runCase(lib: Instance, kind: Kind, c: ConvCase, seed: number): Record<string, number[]> {
  const { heap, writeF32, readF32 } = lib.memory;
  const g = geometryOf(lib, kind, c);
  const filter = g.filterShape!.reduce((a, b) => a * b, 1);
  const outC = g.outputShape[3]!;
  const h = heap();
  const put = (data: Float32Array) => {
    const p = h.alloc(data.length * 4);
    writeF32(p, data);
    return p;
  };
  const x = put(randomArray(g.inputSize, seed));
  const w = put(randomArray(filter, seed + 1));
  const bias = seed % 2 === 0 ? put(randomArray(outC, seed + 2)) : 0;
  const dy = put(randomArray(g.outputSize, seed + 3));
  const dx = put(randomArray(g.inputSize, seed + 4));
  const dw = put(randomArray(filter, seed + 5));
  const db = put(randomArray(outC, seed + 6));
  const y = put(new Float32Array(g.outputSize));
  try {
    lib.conv.convForwardPtr(g, { y, x, w, bias, activation: seed % 3 === 0 ? 'relu' : 'linear' });
    lib.conv.convBackwardInputPtr(g, { dx, dy, w });
    lib.conv.convBackwardFilterPtr(g, { dw, dy, x, db: kind === 'conv2d' ? db : 0 });
    return {
      y: bits(readF32(y, g.outputSize)), dx: bits(readF32(dx, g.inputSize)), dw: bits(readF32(dw, filter)), db: bits(readF32(db, outC)),
    };
  } finally {
    for (const p of [x, w, bias, dy, dx, dw, db, y]) h.free(p);
    g.release();
  }
}

function fits(kind: Kind) {
  return (c: ConvCase) => {
    try {
      geometryOf(copies.single, kind, c).release();
      return true;
    } catch {
      return false;
    }
  };
}

describe.each(KINDS)('threaded %s is bit-identical to one thread', (kind) => {
  test('every algorithm path and a sample of the cases, on 2, 3 and 4 threads', () => {
    const shapes = [...PATH_SHAPES, ...sampleCases(12, 31 + KINDS.indexOf(kind), fits(kind))].filter(fits(kind));
    const before = copies.threaded.map((t) => t.threads.threadPool()!.calls);
    shapes.forEach((c, i) => {
      const want = runCase(copies.single, kind, c, 700 + i);
      for (const t of copies.threaded) {
        const got = runCase(t, kind, c, 700 + i);
        for (const key of Object.keys(want)) expect(got[key], `${t.tl.threadCount()} threads, ${kind} ${caseName(c)}: ${key}`).toEqual(want[key]);
      }
    });
    // Every pass of every shape could split at least in two: the pools ran conv calls in parts.
    copies.threaded.forEach((t, i) => expect(t.threads.threadPool()!.calls - before[i]!).toBeGreaterThan(shapes.length));
  });
});

test('the units of a split follow the path: Winograd filter gradients split over groups of 4 input channels', () => {
  const lib = copies.threaded[2]!;
  const g = geometryOf(lib, 'conv2d', { batch: 2, h: 14, w: 14, c: 32, outC: 64, kernel: [3, 3], stride: 1, dilation: 1, padding: 'same', dm: 1 });
  try {
    expect(lib.convSplit.convParts(4, 'conv2d', 'filter', g.ptr())).toBe(4);
    lib.convSplit.CONV_SPLIT.minPartMadds = 1 << 30;
    expect(lib.convSplit.convParts(4, 'conv2d', 'filter', g.ptr()), 'below the work threshold: one part').toBe(1);
  } finally {
    lib.convSplit.CONV_SPLIT.minPartMadds = 1;
    g.release();
  }
});
