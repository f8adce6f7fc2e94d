// Bindings of assembly/elementwise.ts: broadcasting binary ops, where, unary ops, forward and
// backward, over a strided struct (src/ops/strided.ts). Each kernel name is written once, in the
// switches below (a switch calls one export per branch: no table of export functions).
import { wasm } from './exports.js';

/** The binary kernels (assembly names: comparisons have no backward). */
export type BinaryKernel =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';
/** The unary kernels; clip takes its bounds as extra arguments. */
export type UnaryKernel = 'neg' | 'abs' | 'square' | 'sqrt' | 'rsqrt' | 'exp' | 'log' | 'log1p' | 'clip';

/** y = op(a, b) over the struct at `shape`. */
export function binaryForward(op: BinaryKernel, y: number, a: number, b: number, shape: number): void {
  const w = wasm();
  switch (op) {
    case 'add': return w.f32_add_forward(y, a, b, shape);
    case 'sub': return w.f32_sub_forward(y, a, b, shape);
    case 'mul': return w.f32_mul_forward(y, a, b, shape);
    case 'div': return w.f32_div_forward(y, a, b, shape);
    case 'pow': return w.f32_pow_forward(y, a, b, shape);
    case 'maximum': return w.f32_maximum_forward(y, a, b, shape);
    case 'minimum': return w.f32_minimum_forward(y, a, b, shape);
    case 'greater': return w.f32_greater_forward(y, a, b, shape);
    case 'greaterEqual': return w.f32_greater_equal_forward(y, a, b, shape);
    case 'less': return w.f32_less_forward(y, a, b, shape);
    case 'lessEqual': return w.f32_less_equal_forward(y, a, b, shape);
    case 'equal': return w.f32_equal_forward(y, a, b, shape);
    case 'notEqual': return w.f32_not_equal_forward(y, a, b, shape);
  }
}

/** dx += the gradient of mul, div, pow, maximum or minimum for `operand` (0: a, 1: b). */
export function binaryBackward(op: 'mul' | 'div' | 'pow' | 'maximum' | 'minimum', dx: number, dy: number, a: number, b: number, shape: number, operand: number): void {
  const w = wasm();
  switch (op) {
    case 'mul': return w.f32_mul_backward(dx, dy, a, b, shape, operand);
    case 'div': return w.f32_div_backward(dx, dy, a, b, shape, operand);
    case 'pow': return w.f32_pow_backward(dx, dy, a, b, shape, operand);
    case 'maximum': return w.f32_maximum_backward(dx, dy, a, b, shape, operand);
    case 'minimum': return w.f32_minimum_backward(dx, dy, a, b, shape, operand);
  }
}

/** y = cond != 0 ? a : b. */
export function whereForward(y: number, cond: number, a: number, b: number, shape: number): void {
  wasm().f32_where_forward(y, cond, a, b, shape);
}

/** dx += dy where cond selects `operand`. */
export function whereBackward(dx: number, dy: number, cond: number, shape: number, operand: number): void {
  wasm().f32_where_backward(dx, dy, cond, shape, operand);
}

/** y = op(x) (clip: to [lo, hi]). */
export function unaryForward(op: UnaryKernel, y: number, x: number, shape: number, lo: number, hi: number): void {
  const w = wasm();
  switch (op) {
    case 'neg': return w.f32_neg_forward(y, x, shape);
    case 'abs': return w.f32_abs_forward(y, x, shape);
    case 'square': return w.f32_square_forward(y, x, shape);
    case 'sqrt': return w.f32_sqrt_forward(y, x, shape);
    case 'rsqrt': return w.f32_rsqrt_forward(y, x, shape);
    case 'exp': return w.f32_exp_forward(y, x, shape);
    case 'log': return w.f32_log_forward(y, x, shape);
    case 'log1p': return w.f32_log1p_forward(y, x, shape);
    case 'clip': return w.f32_clip_forward(y, x, lo, hi, shape);
  }
}

/** dx += dy·op'(x) from the saved x and y. */
export function unaryBackward(op: UnaryKernel, dx: number, dy: number, x: number, y: number, shape: number): void {
  const w = wasm();
  switch (op) {
    case 'neg': return w.f32_neg_backward(dx, dy, x, y, shape);
    case 'abs': return w.f32_abs_backward(dx, dy, x, y, shape);
    case 'square': return w.f32_square_backward(dx, dy, x, y, shape);
    case 'sqrt': return w.f32_sqrt_backward(dx, dy, x, y, shape);
    case 'rsqrt': return w.f32_rsqrt_backward(dx, dy, x, y, shape);
    case 'exp': return w.f32_exp_backward(dx, dy, x, y, shape);
    case 'log': return w.f32_log_backward(dx, dy, x, y, shape);
    case 'log1p': return w.f32_log1p_backward(dx, dy, x, y, shape);
    case 'clip': return w.f32_clip_backward(dx, dy, x, y, shape);
  }
}
