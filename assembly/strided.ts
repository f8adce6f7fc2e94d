// The strided walker shared by every broadcasting elementwise kernel (elementwise.ts) and every
// reduction (reduce.ts): one loop nest serves every shape, as XNNPACK's binary-elementwise
// micro-kernels do, instead of one kernel per broadcast pattern.
//
// The shape struct (i32 fields in linear memory, field order = the ABI; src/ops/strided.ts
// `writeStrided` writes it). Byte offset of field i = 4 * i.
//
//   0                      rank r, 1..MAX_DIMS (after merging; the TS side drops size-1 axes)
//   1 .. 8                 dims[0..r), outermost first (the iteration shape)
//   9 + 8 s .. 16 + 8 s    strides of stream s (0..3), in elements, for dims[0..r)
//
// Stream 0 is the target: the output of a forward kernel, the gradient a backward kernel
// accumulates into, or the result of a reduction. Streams 1..3 are the inputs in the kernel's
// argument order. A broadcast axis of a stream has stride 0: an input with stride 0 is read
// again along that axis (broadcasting), a target with stride 0 receives every element along it
// (a reduction: sum, max, min, or the gradient of a broadcast operand, which is the sum of the
// incoming gradient over its broadcast axes).
//
// Loop structure: the outer axes 0..r-2 are walked by `walkAxis` (one recursion level per axis,
// each adding stride * 4 bytes per step); the innermost axis is one call of `row`, which has
// three paths, chosen once per row from the inner strides:
//   - map: target inner stride 1, every input 0 or 1. Vector loop, four lanes; an input with
//     stride 0 is splatted once per row. The target is stored (forward) or combined (+=, max,
//     min). This is the contiguous fast path: y = a + b, a + bias row, x + column, x + scalar.
//   - reduce: target inner stride 0, every input 0 or 1 (combine rules Add, Max, Min only). A
//     vector accumulator over blocks of 1024 elements, a horizontal combine per block into the
//     target, then the scalar tail. (Blocks bound the f32 summation error to about
//     (256 + n / 1024) ulp instead of n / 4.)
//   - general: any other strides (views the TS side may build later): the scalar loop that
//     also runs the 0-3 element tails of the two vector paths, one copy of the scalar op.
// An axis reduced outside the inner one (sum over rows of [N, C]) is a map row with the target
// combined by +=: rows accumulate into the same C outputs in order.
//
// The op and the combine rule are zero-size functor classes with @inline methods (the pattern
// of activation.ts): each exported kernel instantiates `walk<Op, Combine>` and Binaryen inlines
// the op into the three row loops.

/** Most axes a shape struct describes after merging. */
export const MAX_DIMS: i32 = 8;
/** Number of streams (target + three inputs). */
export const STREAMS: i32 = 4;

// @ts-ignore: decorator
@inline function rankOf(g: usize): i32 {
  return load<i32>(g);
}

// @ts-ignore: decorator
@inline function dimOf(g: usize, axis: i32): i32 {
  return load<i32>(g + ((<usize>(1 + axis)) << 2));
}

// @ts-ignore: decorator
@inline export function strideOf(g: usize, stream: i32, axis: i32): i32 {
  return load<i32>(g + ((<usize>(1 + MAX_DIMS + stream * MAX_DIMS + axis)) << 2));
}

/** Number of target elements: the product of the axes where stream `stream` has a non-zero stride. */
export function targetSize(g: usize, stream: i32): i32 {
  const r = rankOf(g);
  let n = 1;
  for (let a = 0; a < r; a++) if (strideOf(g, stream, a) != 0) n *= dimOf(g, a);
  return n;
}

/** Number of elements walked: the product of all axes. */
export function walkSize(g: usize): i32 {
  const r = rankOf(g);
  let n = 1;
  for (let a = 0; a < r; a++) n *= dimOf(g, a);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Combine rules: how a value v lands in the target t. Store overwrites (forward kernels; never
// used with a target stride of 0); Add, Max, Min combine and have an identity for reductions.

export class Store {
  @inline broadcasts(): bool { return true; }
  @inline v(t: v128, x: v128): v128 { return x; }
  @inline s(t: f32, x: f32): f32 { return x; }
  @inline stores(): bool { return true; }
  @inline identity(): f32 { return 0; }
  @inline h(v: v128): f32 { return 0; }
}

export class Add {
  @inline broadcasts(): bool { return true; }
  @inline v(t: v128, x: v128): v128 { return f32x4.add(t, x); }
  @inline s(t: f32, x: f32): f32 { return t + x; }
  @inline stores(): bool { return false; }
  @inline identity(): f32 { return 0; }
  @inline h(v: v128): f32 {
    return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
}

/**
 * Add for kernels whose streams are always contiguous (unary gradients over a flat buffer): only
 * the all-stride-1 loop and the scalar loop are generated, which keeps the module small. (A
 * standalone class: a subclass would turn the functor calls into virtual calls on address 0.)
 */
export class AddFlat {
  @inline broadcasts(): bool { return false; }
  @inline v(t: v128, x: v128): v128 { return f32x4.add(t, x); }
  @inline s(t: f32, x: f32): f32 { return t + x; }
  @inline stores(): bool { return false; }
  @inline identity(): f32 { return 0; }
  @inline h(v: v128): f32 { return 0; } // never reduces
}

/** max that propagates NaN (wasm f32.max / f32x4.max), as torch.amax and np.max do. */
export class Max {
  @inline broadcasts(): bool { return true; }
  @inline v(t: v128, x: v128): v128 { return f32x4.max(t, x); }
  @inline s(t: f32, x: f32): f32 { return max<f32>(t, x); }
  @inline stores(): bool { return false; }
  @inline identity(): f32 { return -Infinity; }
  @inline h(v: v128): f32 {
    return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
}

export class Min {
  @inline broadcasts(): bool { return true; }
  @inline v(t: v128, x: v128): v128 { return f32x4.min(t, x); }
  @inline s(t: f32, x: f32): f32 { return min<f32>(t, x); }
  @inline stores(): bool { return false; }
  @inline identity(): f32 { return Infinity; }
  @inline h(v: v128): f32 {
    return min<f32>(min<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
}

// ---------------------------------------------------------------------------------------------
// The row: n elements of the innermost axis. Op provides f(x1, x2, x3, p): v128 and its scalar
// twin f1 (same operations, same bits), and inputs(): i32, how many of streams 1..3 it reads.

/** Block length of the reduce path (a multiple of 4). */
const BLOCK: i32 = 1024;

// @ts-ignore: decorator
@inline function lane(ptr: usize, stride: i32, o: usize, splat: v128, used: bool): v128 {
  return !used ? splat : stride != 0 ? v128.load(ptr + o) : splat;
}

/**
 * The map loop for one pattern of input strides known at compile time (l1..l3: stride 1, else
 * splat c1..c3): after inlining, a straight SIMD loop with no branch on strides. Returns the
 * index reached (the tail is the caller's).
 */
// @ts-ignore: decorator
@inline function mapLoop<Op, C>(
  p0: usize, p1: usize, p2: usize, p3: usize, n: i32, c1: v128, c2: v128, c3: v128, pv: v128, l1: bool, l2: bool, l3: bool,
): i32 {
  const op = changetype<Op>(0);
  const comb = changetype<C>(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = op.f(l1 ? v128.load(p1 + o) : c1, l2 ? v128.load(p2 + o) : c2, l3 ? v128.load(p3 + o) : c3, pv);
    v128.store(p0 + o, comb.stores() ? x : comb.v(v128.load(p0 + o), x));
  }
  return i;
}

// @ts-ignore: decorator
@inline function row<Op, C>(
  p0: usize, p1: usize, p2: usize, p3: usize, s0: i32, s1: i32, s2: i32, s3: i32, n: i32, param: f32,
): void {
  const op = changetype<Op>(0);
  const comb = changetype<C>(0);
  const k = op.inputs();
  const use2 = k >= 2;
  const use3 = k >= 3;
  const unit = (<u32>s1 <= 1) && (!use2 || <u32>s2 <= 1) && (!use3 || <u32>s3 <= 1);
  const pv = f32x4.splat(param);
  let i = 0;
  if (unit && (s0 == 1 || (s0 == 0 && !comb.stores() && comb.broadcasts()))) {
    // Inputs with stride 0 are splatted once.
    const c1 = v128.load32_splat(p1);
    const c2 = use2 ? v128.load32_splat(p2) : pv;
    const c3 = use3 ? v128.load32_splat(p3) : pv;
    if (s0 == 1) { // map: four target lanes per iteration
      // Straight loops for the common stride patterns (full, a row or a column broadcast, clip's
      // two scalars); any other pattern of three inputs (where with a scalar a, a column cond)
      // takes the loop that tests each input's stride. Two-input forward patterns are all covered
      // but (0, 0), which a target of stride 1 never meets (one input spans the output's axis);
      // two-input gradients read dy (stride 1) first, so (0, 1) is forward-only.
      const all = s1 == 1 && (!use2 || s2 == 1) && (!use3 || s3 == 1);
      if (all) i = mapLoop<Op, C>(p0, p1, p2, p3, n, c1, c2, c3, pv, true, use2, use3);
      else if (!comb.broadcasts()) i = 0; // flat kernels: the scalar loop serves any other strides
      else if (k == 1 && !comb.stores()) i = mapLoop<Op, C>(p0, p1, p2, p3, n, c1, c2, c3, pv, false, false, false); // dy broadcast back
      else if (s1 == 1 && s2 == 0 && (!use3 || s3 == 0)) i = mapLoop<Op, C>(p0, p1, p2, p3, n, c1, c2, c3, pv, true, false, false);
      else if (k == 2 && s1 == 0 && comb.stores()) i = mapLoop<Op, C>(p0, p1, p2, p3, n, c1, c2, c3, pv, false, true, false);
      else if (use3) {
        for (; i + 4 <= n; i += 4) {
          const o1 = (<usize>(i * s1)) << 2;
          const o2 = (<usize>(i * s2)) << 2;
          const o3 = (<usize>(i * s3)) << 2;
          const x = op.f(lane(p1, s1, o1, c1, true), lane(p2, s2, o2, c2, use2), lane(p3, s3, o3, c3, use3), pv);
          const o = <usize>i << 2;
          v128.store(p0 + o, comb.stores() ? x : comb.v(v128.load(p0 + o), x));
        }
      }
    } else if (!comb.stores() && comb.broadcasts()) { // reduce: the row combines into one target element
      let total = load<f32>(p0);
      const lastVector = n & ~3;
      while (i < lastVector) {
        const end = min<i32>(lastVector, i + BLOCK);
        let acc = f32x4.splat(comb.identity());
        for (; i < end; i += 4) {
          const o1 = (<usize>(i * s1)) << 2;
          const o2 = (<usize>(i * s2)) << 2;
          const o3 = (<usize>(i * s3)) << 2;
          acc = comb.v(acc, op.f(lane(p1, s1, o1, c1, true), lane(p2, s2, o2, c2, use2), lane(p3, s3, o3, c3, use3), pv));
        }
        total = comb.s(total, comb.h(acc));
      }
      store<f32>(p0, total);
    }
  }
  // The tail of both vector paths (0-3 elements) and the general path (any strides, from 0).
  for (; i < n; i++) {
    const x = op.f1(load<f32>(p1 + ((<usize>(i * s1)) << 2)), use2 ? load<f32>(p2 + ((<usize>(i * s2)) << 2)) : param,
      use3 ? load<f32>(p3 + ((<usize>(i * s3)) << 2)) : param, param);
    const o = (<usize>(i * s0)) << 2;
    store<f32>(p0 + o, comb.stores() ? x : comb.s(load<f32>(p0 + o), x));
  }
}

/** Walks axis `axis` (outer) of the struct at g; `t0..t3` say which stream's strides each pointer uses. */
function walkAxis<Op, C>(
  g: usize, axis: i32, p0: usize, p1: usize, p2: usize, p3: usize, t0: i32, t1: i32, t2: i32, t3: i32, param: f32,
): void {
  const last = rankOf(g) - 1;
  if (axis == last) {
    row<Op, C>(p0, p1, p2, p3, strideOf(g, t0, axis), strideOf(g, t1, axis), strideOf(g, t2, axis), strideOf(g, t3, axis),
      dimOf(g, axis), param);
    return;
  }
  const n = dimOf(g, axis);
  const d0 = (<usize>strideOf(g, t0, axis)) << 2;
  const d1 = (<usize>strideOf(g, t1, axis)) << 2;
  const d2 = (<usize>strideOf(g, t2, axis)) << 2;
  const d3 = (<usize>strideOf(g, t3, axis)) << 2;
  for (let i = 0; i < n; i++) {
    walkAxis<Op, C>(g, axis + 1, p0, p1, p2, p3, t0, t1, t2, t3, param);
    p0 += d0;
    p1 += d1;
    p2 += d2;
    p3 += d3;
  }
}

/**
 * target (op)= Op(in1, in2, in3) over the iteration shape of the struct at g, stream k's strides
 * read from stream slot tk (normally 0..3; a reduction kernel reuses another stream's strides).
 */
// @ts-ignore: decorator
@inline export function walk<Op, C>(
  g: usize, p0: usize, p1: usize, p2: usize, p3: usize, t0: i32, t1: i32, t2: i32, t3: i32, param: f32,
): void {
  if (walkSize(g) == 0) return;
  walkAxis<Op, C>(g, 0, p0, p1, p2, p3, t0, t1, t2, t3, param);
}
