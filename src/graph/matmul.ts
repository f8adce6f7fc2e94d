// Matrix products of symbolic tensors: [..., m, k] x [..., k, n] with transpose flags, the leading
// (batch) axes broadcast as in NumPy's matmul. Every product is a call of the GEMM driver; a right
// operand without batch axes (a weight: Dense) folds every batch row into one GEMM, forward and
// backward, so x[*, k] · w[k, n] costs what the Dense layer's does.
import { ShapeError } from '../core/errors.js';
import { sizeOf } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { NodeIO } from '../layers/node-io.js';
import { runGemm } from '../ops/gemm-call.js';
import { broadcastStrides } from '../ops/strided.js';
import { broadcastFull } from './elementwise.js';
import { BATCH, Op, fullShape, runtimeShape, showShape, specOf, where } from './op.js';

/** One node's products at one batch size (offsets in floats, one entry per product). */
interface Products {
  m: number;
  n: number;
  k: number;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
}

/** The matrix dims and batch axes of a matmul, from full shapes (BATCH allowed anywhere it matches). */
function dims(who: string, a: readonly number[], b: readonly number[], tA: boolean, tB: boolean): { batch: number[]; m: number; n: number; k: number } {
  if (a.length < 2 || b.length < 2) {
    throw new ShapeError(`${who}: both operands need at least 2 axes ([..., m, k] and [..., k, n]), got a ${showShape(a)} and b ${showShape(b)}`);
  }
  const [ra, ca] = a.slice(-2) as [number, number];
  const [rb, cb] = b.slice(-2) as [number, number];
  const [m, ka] = tA ? [ca, ra] : [ra, ca];
  const [kb, n] = tB ? [cb, rb] : [rb, cb];
  if (ka !== kb) {
    throw new ShapeError(`${who}: inner sizes differ: a ${showShape(a)}${tA ? 'ᵀ' : ''} gives k=${ka === BATCH ? '*' : ka}, b ${showShape(b)}${tB ? 'ᵀ' : ''} gives k=${kb === BATCH ? '*' : kb}`);
  }
  return { batch: broadcastFull(who, [a.slice(0, -2), b.slice(0, -2)]), m, n, k: ka };
}

/** matmul(a, b, { transposeA, transposeB }). */
export class MatmulOp extends Op {
  private readonly products = new WeakMap<NodeIO, Products>();

  constructor(readonly transposeA = false, readonly transposeB = false) {
    super('matmul', { transposeA, transposeB });
  }

  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const d = dims(who, fullShape(inputs[0]!), fullShape(inputs[1]!), this.transposeA, this.transposeB);
    return [specOf([...d.batch, d.m, d.n], who)];
  }

  protected override setup(io: NodeIO, batch: number): void {
    const a = runtimeShape(io.inputs[0]!, batch);
    const b = runtimeShape(io.inputs[1]!, batch);
    const d = dims(this.op, a, b, this.transposeA, this.transposeB);
    const aBatch = a.slice(0, -2);
    const bBatch = b.slice(0, -2);
    const count = sizeOf(d.batch);
    if (sizeOf(bBatch) === 1 && !this.transposeA) {
      // Fold: every row of every batch of a is one row of a single [count * m, k] operand.
      this.products.set(io, { m: count * d.m, n: d.n, k: d.k, a: Int32Array.of(0), b: Int32Array.of(0), c: Int32Array.of(0) });
      return;
    }
    const sa = broadcastStrides(aBatch, d.batch);
    const sb = broadcastStrides(bBatch, d.batch);
    const p: Products = { m: d.m, n: d.n, k: d.k, a: new Int32Array(count), b: new Int32Array(count), c: new Int32Array(count) };
    const index = new Array<number>(d.batch.length).fill(0);
    for (let i = 0; i < count; i++) {
      let oa = 0;
      let ob = 0;
      index.forEach((v, axis) => {
        oa += v * sa[axis]!;
        ob += v * sb[axis]!;
      });
      p.a[i] = oa * d.m * d.k;
      p.b[i] = ob * d.k * d.n;
      p.c[i] = i * d.m * d.n;
      for (let axis = index.length - 1; axis >= 0; axis--) { // next multi-index, last axis fastest
        if (++index[axis]! < d.batch[axis]!) break;
        index[axis] = 0;
      }
    }
    this.products.set(io, p);
  }

  protected run(io: NodeIO): void {
    const p = this.products.get(io)!;
    const a = io.inputs[0]!.ptr;
    const b = io.inputs[1]!.ptr;
    const c = io.output.ptr;
    for (let i = 0; i < p.c.length; i++) {
      runGemm(p.m, p.n, p.k, a + p.a[i]! * 4, b + p.b[i]! * 4, c + p.c[i]! * 4, this.transposeA, this.transposeB, false);
    }
  }

  protected grad(io: NodeIO): void {
    const p = this.products.get(io)!;
    const [ia, ib] = io.inputs as [NodeIO['output'], NodeIO['output']];
    const dc = io.output.grad;
    const { m, n, k } = p;
    const tA = this.transposeA;
    const tB = this.transposeB;
    for (let i = 0; i < p.c.length; i++) {
      const a = ia.ptr + p.a[i]! * 4;
      const b = ib.ptr + p.b[i]! * 4;
      const g = dc + p.c[i]! * 4;
      // dop(A) = dC op(B)ᵀ and dop(B) = op(A)ᵀ dC, written into A's and B's own layouts.
      if (ia.grad !== 0) {
        const da = ia.grad + p.a[i]! * 4;
        if (!tA) runGemm(m, k, n, g, b, da, false, !tB, true);
        else runGemm(k, m, n, b, g, da, tB, true, true);
      }
      if (ib.grad !== 0) {
        const db = ib.grad + p.b[i]! * 4;
        if (!tB) runGemm(k, n, m, a, g, db, !tA, false, true);
        else runGemm(n, k, m, g, a, db, true, tA, true);
      }
    }
  }
}
