// Elementwise ops with NumPy broadcasting, forward and backward, all through the strided walker
// of strided.ts (its header explains the shape struct and the loop structure: contiguous inner
// axis in SIMD, outer axes by strides, stride 0 on a broadcast axis).
//
// One shape struct per op node serves its forward and both gradients. Its streams:
//   binary  0 y (the broadcast output, contiguous)  1 a   2 b
//   where   0 y  1 cond  2 a  3 b
//   unary   0 y  1 x (rank 1, both contiguous; y may alias x)
//
//   f32_<op>_forward(y, a, b, shape)             add sub mul div pow maximum minimum, and the
//                                                comparisons greater greater_equal less less_equal
//                                                equal not_equal (y = 1 or 0; NaN compares false
//                                                except not_equal)
//   f32_where_forward(y, cond, a, b, shape)      y = cond != 0 ? a : b
//   f32_<op>_backward(dx, dy, a, b, shape, operand)  mul div pow maximum minimum: dx is the
//                                                gradient of a (operand 0) or b (1), walked with
//                                                that operand's strides, so dx += the sum of the
//                                                per-element gradient over its broadcast axes
//   f32_where_backward(dx, dy, cond, shape, operand)
//   (add and sub need no kernel of their own: their gradients are f32_sum_backward of reduce.ts.)
//   f32_<op>_forward(y, x, shape)                neg abs square sqrt rsqrt exp log log1p
//   f32_clip_forward(y, x, lo, hi, shape)        lo, hi: one float each in memory (stride 0)
//   f32_<op>_backward(dx, dy, x, y, shape)       from the saved input x and/or output y
//
// Scalar twins of the transcendentals are the called forms (expS, ...): the tails are cold.
// Numerics: exp/log/log1p are math.ts's (1 ulp); sqrt is IEEE; rsqrt = 1 / sqrt (about 1 ulp);
// div is IEEE. pow(a, b) = exp(b log|a|) with the sign of a negative base restored for integer
// b (NaN for a non-integer one), pow(a, 0) = pow(1, b) = 1: relative error at most
// (2 + 2 |b ln|a||) ulp, the log's error amplified by the exponent (test/kernels/elementwise).
// Gradient conventions follow torch 1.13: maximum/minimum split dy evenly on ties; pow's base
// gradient is 0 where b == 0 and its exponent gradient 0 where a == 0 and b >= 0; abs'(0) = 0;
// clip passes dy where lo <= x <= hi (inclusive, read as x == y).
import { exp_f32x4, log_f32x4, log1p_f32x4, expS, logS, log1pS, logV } from './math';
import { walk, Add, AddFlat, Store } from './strided';

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

// @ts-ignore: decorator
@inline function mask1(m: v128): v128 {
  return v128.and(m, splat(1));
}

// ---------------------------------------------------------------------------------------------
// Binary forward ops: f(a, b) and the scalar twin. inputs() = 2.

class AddOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.add(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a + b; }
  @inline inputs(): i32 { return 2; }
}
class SubOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.sub(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a - b; }
  @inline inputs(): i32 { return 2; }
}
class MulOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.mul(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a * b; }
  @inline inputs(): i32 { return 2; }
}
class DivOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.div(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a / b; }
  @inline inputs(): i32 { return 2; }
}

/** a^b in four lanes (see the header for the special cases and the error bound). Called, not
 * inlined: it is long, used by three kernels, and a call is small beside its ~60 operations. */
function pow_f32x4(a: v128, b: v128): v128 {
  let r = exp_f32x4(f32x4.mul(b, log_f32x4(f32x4.abs(a))));
  const negative = f32x4.lt(a, splat(0));
  const integer = f32x4.eq(f32x4.nearest(b), b);
  const half = f32x4.mul(b, splat(0.5));
  const odd = v128.and(integer, f32x4.ne(f32x4.nearest(half), half));
  r = v128.xor(r, v128.and(v128.and(negative, odd), splat(-0.0)));
  r = v128.bitselect(splat(NaN), r, v128.andnot(negative, integer));
  return v128.bitselect(splat(1), r, v128.or(f32x4.eq(b, splat(0)), f32x4.eq(a, splat(1))));
}

/** Scalar twin of pow_f32x4: the same operations, the same bits (called: it runs in tails). */
function pow_f32(a: f32, b: f32): f32 {
  if (b == 0 || a == 1) return 1;
  let r = expS(b * logS(abs<f32>(a)));
  if (a < 0) {
    if (nearest<f32>(b) != b) return NaN;
    const half = b * 0.5;
    if (nearest<f32>(half) != half) r = -r;
  }
  return r;
}

class PowOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return pow_f32x4(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return pow_f32(a, b); }
  @inline inputs(): i32 { return 2; }
}
class MaximumOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.max(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return max<f32>(a, b); }
  @inline inputs(): i32 { return 2; }
}
class MinimumOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return f32x4.min(a, b); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return min<f32>(a, b); }
  @inline inputs(): i32 { return 2; }
}
class GreaterOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.gt(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a > b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
class GreaterEqualOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.ge(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a >= b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
class LessOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.lt(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a < b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
class LessEqualOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.le(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a <= b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
class EqualOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.eq(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a == b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
class NotEqualOp {
  @inline f(a: v128, b: v128, c: v128, p: v128): v128 { return mask1(f32x4.ne(a, b)); }
  @inline f1(a: f32, b: f32, c: f32, p: f32): f32 { return a != b ? 1 : 0; }
  @inline inputs(): i32 { return 2; }
}
/** where(cond, a, b): any non-zero cond (NaN included) picks a. */
class WhereOp {
  @inline f(c: v128, a: v128, b: v128, p: v128): v128 { return v128.bitselect(a, b, f32x4.ne(c, splat(0))); }
  @inline f1(c: f32, a: f32, b: f32, p: f32): f32 { return c != 0 ? a : b; }
  @inline inputs(): i32 { return 3; }
}

export function f32_add_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<AddOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_sub_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<SubOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_mul_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<MulOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_div_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<DivOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_pow_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<PowOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_maximum_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<MaximumOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_minimum_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<MinimumOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_greater_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<GreaterOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_greater_equal_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<GreaterEqualOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_less_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<LessOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_less_equal_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<LessEqualOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_equal_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<EqualOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_not_equal_forward(y: usize, a: usize, b: usize, shape: usize): void { walk<NotEqualOp, Store>(shape, y, a, b, 0, 0, 1, 2, 0, 0); }
export function f32_where_forward(y: usize, cond: usize, a: usize, b: usize, shape: usize): void {
  walk<WhereOp, Store>(shape, y, cond, a, b, 0, 1, 2, 3, 0);
}

// ---------------------------------------------------------------------------------------------
// Binary gradients. Each functor takes (dy, u, v) where the kernel maps u, v to the operands
// in the order the rule needs; the target dx walks with the differentiated operand's strides.

/** dy * v: mul's gradient (v is the other operand). */
class MulGrad {
  @inline f(dy: v128, v: v128, c: v128, p: v128): v128 { return f32x4.mul(dy, v); }
  @inline f1(dy: f32, v: f32, c: f32, p: f32): f32 { return dy * v; }
  @inline inputs(): i32 { return 2; }
}
/** dy / b: div's gradient for a. */
class DivGradA {
  @inline f(dy: v128, a: v128, b: v128, p: v128): v128 { return f32x4.div(dy, b); }
  @inline f1(dy: f32, a: f32, b: f32, p: f32): f32 { return dy / b; }
  @inline inputs(): i32 { return 3; }
}
/** -dy a / (b b): div's gradient for b (torch's form). */
class DivGradB {
  @inline f(dy: v128, a: v128, b: v128, p: v128): v128 { return f32x4.div(f32x4.mul(f32x4.neg(dy), a), f32x4.mul(b, b)); }
  @inline f1(dy: f32, a: f32, b: f32, p: f32): f32 { return (-dy * a) / (b * b); }
  @inline inputs(): i32 { return 3; }
}
/** b == 0 ? 0 : dy b a^(b-1): pow's gradient for the base. */
class PowGradA {
  @inline f(dy: v128, a: v128, b: v128, p: v128): v128 {
    const g = f32x4.mul(f32x4.mul(dy, b), pow_f32x4(a, f32x4.sub(b, splat(1))));
    return v128.andnot(g, f32x4.eq(b, splat(0)));
  }
  @inline f1(dy: f32, a: f32, b: f32, p: f32): f32 { return b == 0 ? 0 : (dy * b) * pow_f32(a, b - 1); }
  @inline inputs(): i32 { return 3; }
}
/** (a == 0 and b >= 0) ? 0 : dy a^b log(a): pow's gradient for the exponent. */
class PowGradB {
  @inline f(dy: v128, a: v128, b: v128, p: v128): v128 {
    const g = f32x4.mul(f32x4.mul(dy, pow_f32x4(a, b)), logV(a)); // called log: a rare, long kernel
    return v128.andnot(g, v128.and(f32x4.eq(a, splat(0)), f32x4.ge(b, splat(0))));
  }
  @inline f1(dy: f32, a: f32, b: f32, p: f32): f32 { return a == 0 && b >= 0 ? 0 : (dy * pow_f32(a, b)) * logS(a); }
  @inline inputs(): i32 { return 3; }
}
/** The gradient of the first operand u of maximum(u, v): dy/2 on ties, 0 where u < v, else dy. */
class MaxFirstGrad {
  @inline f(dy: v128, u: v128, v: v128, p: v128): v128 {
    const g = v128.bitselect(f32x4.mul(dy, splat(0.5)), dy, f32x4.eq(u, v));
    return v128.andnot(g, f32x4.lt(u, v));
  }
  @inline f1(dy: f32, u: f32, v: f32, p: f32): f32 { return u == v ? dy * 0.5 : u < v ? 0 : dy; }
  @inline inputs(): i32 { return 3; }
}
/** The gradient of the first operand u of minimum(u, v): dy/2 on ties, 0 where u > v, else dy. */
class MinFirstGrad {
  @inline f(dy: v128, u: v128, v: v128, p: v128): v128 {
    const g = v128.bitselect(f32x4.mul(dy, splat(0.5)), dy, f32x4.eq(u, v));
    return v128.andnot(g, f32x4.gt(u, v));
  }
  @inline f1(dy: f32, u: f32, v: f32, p: f32): f32 { return u == v ? dy * 0.5 : u > v ? 0 : dy; }
  @inline inputs(): i32 { return 3; }
}
/** where's gradient: dy where cond != 0 (p = 0, for a) or where cond == 0 (p = 1, for b). */
class WhereGrad {
  @inline f(dy: v128, c: v128, u: v128, p: v128): v128 {
    return v128.and(dy, v128.xor(f32x4.ne(c, splat(0)), f32x4.ne(p, splat(0))));
  }
  @inline f1(dy: f32, c: f32, u: f32, p: f32): f32 { return (c != 0) != (p != 0) ? dy : 0; }
  @inline inputs(): i32 { return 2; }
}

// Streams of the binary struct: 0 y/dy, 1 a, 2 b. dx walks with stream 1 (operand 0) or 2 (1).

/** dx += the gradient of mul for operand 0 (a: dy b) or 1 (b: dy a), summed over its broadcast axes. */
export function f32_mul_backward(dx: usize, dy: usize, a: usize, b: usize, shape: usize, operand: i32): void {
  if (operand == 0) walk<MulGrad, Add>(shape, dx, dy, b, 0, 1, 0, 2, 0, 0);
  else walk<MulGrad, Add>(shape, dx, dy, a, 0, 2, 0, 1, 0, 0);
}
/** dx += the gradient of div for operand 0 (dy / b) or 1 (-dy a / b^2). */
export function f32_div_backward(dx: usize, dy: usize, a: usize, b: usize, shape: usize, operand: i32): void {
  if (operand == 0) walk<DivGradA, Add>(shape, dx, dy, a, b, 1, 0, 1, 2, 0);
  else walk<DivGradB, Add>(shape, dx, dy, a, b, 2, 0, 1, 2, 0);
}
/** dx += the gradient of pow for operand 0 (dy b a^(b-1)) or 1 (dy a^b ln a); torch's zero cases. */
export function f32_pow_backward(dx: usize, dy: usize, a: usize, b: usize, shape: usize, operand: i32): void {
  if (operand == 0) walk<PowGradA, Add>(shape, dx, dy, a, b, 1, 0, 1, 2, 0);
  else walk<PowGradB, Add>(shape, dx, dy, a, b, 2, 0, 1, 2, 0);
}
/** dx += the gradient of maximum for operand 0 or 1: dy where it is the larger, dy/2 on ties. */
export function f32_maximum_backward(dx: usize, dy: usize, a: usize, b: usize, shape: usize, operand: i32): void {
  if (operand == 0) walk<MaxFirstGrad, Add>(shape, dx, dy, a, b, 1, 0, 1, 2, 0);
  else walk<MaxFirstGrad, Add>(shape, dx, dy, b, a, 2, 0, 2, 1, 0);
}
/** dx += the gradient of minimum for operand 0 or 1: dy where it is the smaller, dy/2 on ties. */
export function f32_minimum_backward(dx: usize, dy: usize, a: usize, b: usize, shape: usize, operand: i32): void {
  if (operand == 0) walk<MinFirstGrad, Add>(shape, dx, dy, a, b, 1, 0, 1, 2, 0);
  else walk<MinFirstGrad, Add>(shape, dx, dy, b, a, 2, 0, 2, 1, 0);
}
/** dx += dy where cond != 0 (operand 0, a) or where cond == 0 (operand 1, b). Streams: 0 dy, 1 cond, 2 a, 3 b. */
export function f32_where_backward(dx: usize, dy: usize, cond: usize, shape: usize, operand: i32): void {
  walk<WhereGrad, Add>(shape, dx, dy, cond, 0, operand == 0 ? 2 : 3, 0, 1, 0, <f32>operand);
}

// ---------------------------------------------------------------------------------------------
// Unary ops. Forward functors read x (stream 1); gradient functors read (dy, x, y).

class NegOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.neg(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return -x; }
  @inline inputs(): i32 { return 1; }
}
class AbsOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.abs(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return abs<f32>(x); }
  @inline inputs(): i32 { return 1; }
}
class SquareOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.mul(x, x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return x * x; }
  @inline inputs(): i32 { return 1; }
}
class SqrtOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.sqrt(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return sqrt<f32>(x); }
  @inline inputs(): i32 { return 1; }
}
class RsqrtOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return f32x4.div(splat(1), f32x4.sqrt(x)); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return <f32>1 / sqrt<f32>(x); }
  @inline inputs(): i32 { return 1; }
}
class ExpOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return exp_f32x4(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return expS(x); }
  @inline inputs(): i32 { return 1; }
}
class LogOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return log_f32x4(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return logS(x); }
  @inline inputs(): i32 { return 1; }
}
class Log1pOp {
  @inline f(x: v128, b: v128, c: v128, p: v128): v128 { return log1p_f32x4(x); }
  @inline f1(x: f32, b: f32, c: f32, p: f32): f32 { return log1pS(x); }
  @inline inputs(): i32 { return 1; }
}
/** clip: min(max(x, lo), hi), NaN kept; lo and hi arrive as stride-0 streams. */
class ClipOp {
  @inline f(x: v128, lo: v128, hi: v128, p: v128): v128 { return f32x4.min(f32x4.max(x, lo), hi); }
  @inline f1(x: f32, lo: f32, hi: f32, p: f32): f32 { return min<f32>(max<f32>(x, lo), hi); }
  @inline inputs(): i32 { return 3; }
}

class NegGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.neg(dy); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return -dy; }
  @inline inputs(): i32 { return 1; }
}
/** dy sign(x), sign(0) = 0. */
class AbsGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 {
    const sign = f32x4.sub(mask1(f32x4.gt(x, splat(0))), mask1(f32x4.lt(x, splat(0))));
    return f32x4.mul(dy, sign);
  }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return x > 0 ? dy : x < 0 ? -dy : 0; }
  @inline inputs(): i32 { return 2; }
}
class SquareGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.mul(dy, f32x4.add(x, x)); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return dy * (x + x); }
  @inline inputs(): i32 { return 2; }
}
/** dy / (2 y). */
class SqrtGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.div(dy, f32x4.add(y, y)); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return dy / (y + y); }
  @inline inputs(): i32 { return 3; }
}
/** -dy y^3 / 2. */
class RsqrtGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 {
    return f32x4.mul(f32x4.mul(dy, splat(-0.5)), f32x4.mul(f32x4.mul(y, y), y));
  }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return (dy * -0.5) * ((y * y) * y); }
  @inline inputs(): i32 { return 3; }
}
class ExpGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.mul(dy, y); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return dy * y; }
  @inline inputs(): i32 { return 3; }
}
class LogGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.div(dy, x); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return dy / x; }
  @inline inputs(): i32 { return 2; }
}
class Log1pGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return f32x4.div(dy, f32x4.add(x, splat(1))); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return dy / (x + 1); }
  @inline inputs(): i32 { return 2; }
}
/** dy where x was not clipped (x == y: lo <= x <= hi, both ends included as in torch). */
class ClipGrad {
  @inline f(dy: v128, x: v128, y: v128, p: v128): v128 { return v128.and(dy, f32x4.eq(x, y)); }
  @inline f1(dy: f32, x: f32, y: f32, p: f32): f32 { return x == y ? dy : 0; }
  @inline inputs(): i32 { return 3; }
}

// Streams of the unary struct: 0 y, 1 x. Gradients walk dx with x's strides, dy and y with y's
// (AddFlat: the struct is one contiguous axis, so no broadcast loops are generated).

export function f32_neg_forward(y: usize, x: usize, shape: usize): void { walk<NegOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_abs_forward(y: usize, x: usize, shape: usize): void { walk<AbsOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_square_forward(y: usize, x: usize, shape: usize): void { walk<SquareOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_sqrt_forward(y: usize, x: usize, shape: usize): void { walk<SqrtOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_rsqrt_forward(y: usize, x: usize, shape: usize): void { walk<RsqrtOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_exp_forward(y: usize, x: usize, shape: usize): void { walk<ExpOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_log_forward(y: usize, x: usize, shape: usize): void { walk<LogOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
export function f32_log1p_forward(y: usize, x: usize, shape: usize): void { walk<Log1pOp, Store>(shape, y, x, 0, 0, 0, 1, 0, 0, 0); }
/** lo and hi: byte offsets of one float each; the struct gives them stride 0 (streams 2, 3). */
export function f32_clip_forward(y: usize, x: usize, lo: usize, hi: usize, shape: usize): void {
  walk<ClipOp, Store>(shape, y, x, lo, hi, 0, 1, 2, 3, 0);
}

export function f32_neg_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<NegGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_abs_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<AbsGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_square_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<SquareGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_sqrt_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<SqrtGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_rsqrt_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<RsqrtGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_exp_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<ExpGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_log_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<LogGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_log1p_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<Log1pGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
export function f32_clip_backward(dx: usize, dy: usize, x: usize, y: usize, shape: usize): void { walk<ClipGrad, AddFlat>(shape, dx, dy, x, y, 1, 0, 1, 0, 0); }
