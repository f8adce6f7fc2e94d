// f64 references for assembly/elementwise.ts and assembly/reduce.ts: naive on purpose. Every
// output element finds its inputs by index arithmetic (no strides, no merging), every gradient
// accumulates into an f64 array, and host Math is fine here (tests, not library numerics).

export type Shape = readonly number[];

/** NumPy broadcast shape (the references assume it is valid). */
export function broadcastShapeRef(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}

function size(shape: Shape): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * Flat index into `shape` of the element that index `flat` of `outShape` reads (broadcasting); with
 * `shape` = `outShape` with reduced axes as 1, the output a reduction sends input `flat` to.
 */
export function sourceIndex(flat: number, outShape: Shape, shape: Shape): number {
  let index = 0;
  let stride = 1;
  let rest = flat;
  for (let i = outShape.length - 1; i >= 0; i--) {
    const coord = rest % outShape[i]!;
    rest = Math.floor(rest / outShape[i]!);
    const j = i - (outShape.length - shape.length);
    if (j < 0) continue;
    if (shape[j]! !== 1) index += coord * stride;
    stride *= shape[j]!;
  }
  return index;
}

/** A binary op: value and its partial derivatives. */
export interface BinaryRef {
  f: (a: number, b: number) => number;
  /** d f / d a and d f / d b (the conventions of torch 1.13 at ties and zeros). */
  da?: (a: number, b: number) => number;
  db?: (a: number, b: number) => number;
}

function powRef(a: number, b: number): number {
  return b === 0 || a === 1 ? 1 : a ** b;
}

export const BINARY_REF: Record<string, BinaryRef> = {
  add: { f: (a, b) => a + b, da: () => 1, db: () => 1 },
  sub: { f: (a, b) => a - b, da: () => 1, db: () => -1 },
  mul: { f: (a, b) => a * b, da: (_, b) => b, db: (a) => a },
  div: { f: (a, b) => a / b, da: (_, b) => 1 / b, db: (a, b) => -a / (b * b) },
  pow: {
    f: powRef,
    da: (a, b) => (b === 0 ? 0 : b * powRef(a, b - 1)),
    db: (a, b) => (a === 0 && b >= 0 ? 0 : powRef(a, b) * Math.log(a)),
  },
  maximum: { f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), da: (a, b) => (a === b ? 0.5 : a < b ? 0 : 1), db: (a, b) => (a === b ? 0.5 : a > b ? 0 : 1) },
  minimum: { f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), da: (a, b) => (a === b ? 0.5 : a > b ? 0 : 1), db: (a, b) => (a === b ? 0.5 : a < b ? 0 : 1) },
  greater: { f: (a, b) => (a > b ? 1 : 0) },
  greaterEqual: { f: (a, b) => (a >= b ? 1 : 0) },
  less: { f: (a, b) => (a < b ? 1 : 0) },
  lessEqual: { f: (a, b) => (a <= b ? 1 : 0) },
  equal: { f: (a, b) => (a === b ? 1 : 0) },
  notEqual: { f: (a, b) => (a !== b ? 1 : 0) },
};

/** y = op(a, b) with broadcasting, in f64. */
export function binaryRef(op: string, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): Float64Array {
  const out = broadcastShapeRef(aShape, bShape);
  const y = new Float64Array(size(out));
  const f = BINARY_REF[op]!.f;
  for (let i = 0; i < y.length; i++) y[i] = f(a[sourceIndex(i, out, aShape)]!, b[sourceIndex(i, out, bShape)]!);
  return y;
}

/** [da, db] of sum(dy * op(a, b)), accumulated in f64 over the broadcast axes (zeros for comparisons). */
export function binaryGradRef(op: string, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, dy: ArrayLike<number>): [Float64Array, Float64Array] {
  const out = broadcastShapeRef(aShape, bShape);
  const { da: fa, db: fb } = BINARY_REF[op]!;
  const da = new Float64Array(size(aShape));
  const db = new Float64Array(size(bShape));
  for (let i = 0; i < size(out); i++) {
    const ia = sourceIndex(i, out, aShape);
    const ib = sourceIndex(i, out, bShape);
    if (fa) da[ia]! += dy[i]! * fa(a[ia]!, b[ib]!);
    if (fb) db[ib]! += dy[i]! * fb(a[ia]!, b[ib]!);
  }
  return [da, db];
}

/** where(cond, a, b) with broadcasting. */
export function whereRef(c: ArrayLike<number>, cShape: Shape, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): Float64Array {
  const out = broadcastShapeRef(cShape, aShape, bShape);
  const y = new Float64Array(size(out));
  for (let i = 0; i < y.length; i++) {
    y[i] = c[sourceIndex(i, out, cShape)] !== 0 ? a[sourceIndex(i, out, aShape)]! : b[sourceIndex(i, out, bShape)]!;
  }
  return y;
}

/** [da, db] of sum(dy * where(cond, a, b)). */
export function whereGradRef(c: ArrayLike<number>, cShape: Shape, aShape: Shape, bShape: Shape, dy: ArrayLike<number>): [Float64Array, Float64Array] {
  const out = broadcastShapeRef(cShape, aShape, bShape);
  const da = new Float64Array(size(aShape));
  const db = new Float64Array(size(bShape));
  for (let i = 0; i < size(out); i++) {
    if (c[sourceIndex(i, out, cShape)] !== 0) da[sourceIndex(i, out, aShape)]! += dy[i]!;
    else db[sourceIndex(i, out, bShape)]! += dy[i]!;
  }
  return [da, db];
}

/** A unary op: value, derivative, and the domain the tests draw from. */
export interface UnaryRef {
  f: (x: number, lo: number, hi: number) => number;
  df: (x: number, lo: number, hi: number) => number;
  domain: [number, number];
}

export const UNARY_REF: Record<string, UnaryRef> = {
  neg: { f: (x) => -x, df: () => -1, domain: [-4, 4] },
  abs: { f: Math.abs, df: (x) => Math.sign(x), domain: [-4, 4] },
  square: { f: (x) => x * x, df: (x) => 2 * x, domain: [-4, 4] },
  sqrt: { f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x), domain: [0.01, 9] },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), df: (x) => -0.5 * x ** -1.5, domain: [0.01, 9] },
  exp: { f: Math.exp, df: Math.exp, domain: [-20, 20] },
  log: { f: Math.log, df: (x) => 1 / x, domain: [0.001, 100] },
  log1p: { f: Math.log1p, df: (x) => 1 / (1 + x), domain: [-0.9, 10] },
  clip: { f: (x, lo, hi) => Math.min(Math.max(x, lo), hi), df: (x, lo, hi) => (x >= lo && x <= hi ? 1 : 0), domain: [-3, 3] },
};

/** The reduction `op` of x over sorted `axes` of `shape`, in f64 (kept axes in order). */
export function reduceRef(op: string, x: ArrayLike<number>, shape: Shape, axes: readonly number[]): Float64Array {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = size(kept);
  const count = size(shape) / n;
  const groups: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < size(shape); i++) groups[sourceIndex(i, shape, kept)]!.push(x[i]!);
  return Float64Array.from(groups, (g) => {
    const s = g.reduce((p, v) => p + v, 0);
    if (op === 'sum') return s;
    if (op === 'mean') return s / count;
    if (op === 'max') return g.some(Number.isNaN) ? NaN : Math.max(...g);
    if (op === 'min') return g.some(Number.isNaN) ? NaN : Math.min(...g);
    const m = s / count;
    return g.reduce((p, v) => p + (v - m) ** 2, 0) / count;
  });
}

/** dx of sum(dy * reduce(op, x)) in f64; max/min split dy evenly among the ties of the extreme. */
export function reduceGradRef(op: string, x: ArrayLike<number>, shape: Shape, axes: readonly number[], dy: ArrayLike<number>): Float64Array {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const count = size(shape) / size(kept);
  const y = reduceRef(op, x, shape, axes);
  const mean = reduceRef('mean', x, shape, axes);
  const ties = new Float64Array(y.length);
  for (let i = 0; i < x.length; i++) if (x[i] === y[sourceIndex(i, shape, kept)]) ties[sourceIndex(i, shape, kept)]! += 1;
  return Float64Array.from({ length: x.length }, (_, i) => {
    const o = sourceIndex(i, shape, kept);
    if (op === 'sum') return dy[o]!;
    if (op === 'mean') return dy[o]! / count;
    if (op === 'variance') return (dy[o]! * 2 * (x[i]! - mean[o]!)) / count;
    return x[i] === y[o] ? dy[o]! / ties[o]! : 0;
  });
}

/** sum(w * y): the scalar loss whose finite differences check a gradient (numericGradient of activation.ts). */
export function weightedSum(y: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i]! * y[i]!;
  return s;
}
