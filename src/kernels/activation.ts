// Bindings of assembly/activation.ts. Every kernel name is written once, in the tables below;
// src/ops/activation.ts picks the row by activation. Elementwise kernels split over the thread
// pool for large arrays (split.ts); the row-wise ones run on the calling thread.
import { wasm, type WasmExports } from './exports.js';
import { pointwiseParts, splitPointwise } from './split.js';

/** Elementwise forward: y = f(x) over n floats (alpha for leakyRelu and elu; others ignore it). */
export type ElementwiseForward = (y: number, x: number, n: number, alpha: number) => void;
/** Elementwise backward: dx += dy·f'(x) from the saved x and/or y. */
export type ElementwiseBackward = (dx: number, dy: number, x: number, y: number, n: number, alpha: number) => void;
/** Row-wise forward (softmax family): over `rows` rows of `cols`. */
export type RowForward = (y: number, x: number, rows: number, cols: number) => void;
/** Row-wise backward: dx += J(y)ᵀ·dy per row. */
export type RowBackward = (dx: number, dy: number, y: number, rows: number, cols: number) => void;

/** The elementwise kernels by stem; `backward` is undefined where the gradient is zero everywhere. */
export interface ElementwiseKernels {
  linear: { forward: ElementwiseForward; backward: ElementwiseBackward };
  step: { forward: ElementwiseForward; backward: undefined };
  sigmoid: { forward: ElementwiseForward; backward: ElementwiseBackward };
  hardSigmoid: { forward: ElementwiseForward; backward: ElementwiseBackward };
  tanh: { forward: ElementwiseForward; backward: ElementwiseBackward };
  relu: { forward: ElementwiseForward; backward: ElementwiseBackward };
  relu6: { forward: ElementwiseForward; backward: ElementwiseBackward };
  leakyRelu: { forward: ElementwiseForward; backward: ElementwiseBackward };
  elu: { forward: ElementwiseForward; backward: ElementwiseBackward };
  selu: { forward: ElementwiseForward; backward: ElementwiseBackward };
  gelu: { forward: ElementwiseForward; backward: ElementwiseBackward };
  geluTanh: { forward: ElementwiseForward; backward: ElementwiseBackward };
  swish: { forward: ElementwiseForward; backward: ElementwiseBackward };
  mish: { forward: ElementwiseForward; backward: ElementwiseBackward };
  softplus: { forward: ElementwiseForward; backward: ElementwiseBackward };
  softsign: { forward: ElementwiseForward; backward: ElementwiseBackward };
}

/** The row-wise kernels. */
export interface RowKernels {
  softmax: { forward: RowForward; backward: RowBackward };
  logSoftmax: { forward: RowForward; backward: RowBackward };
}

/** y = f(x): `kernel`, split over the thread pool for large n (pointers y and x). */
function splitForward(kernel: ElementwiseForward): ElementwiseForward {
  return (y, x, n, alpha) => {
    const parts = pointwiseParts(n);
    if (parts > 1) splitPointwise(kernel, parts, 2, 0b11, y, x, n, alpha);
    else kernel(y, x, n, alpha);
  };
}

/** dx += dy·f'(x): `kernel`, split over the thread pool for large n (pointers dx, dy, x, y). */
function splitBackward(kernel: ElementwiseBackward): ElementwiseBackward {
  return (dx, dy, x, y, n, alpha) => {
    const parts = pointwiseParts(n);
    if (parts > 1) splitPointwise(kernel, parts, 4, 0b1111, dx, dy, x, y, n, alpha);
    else kernel(dx, dy, x, y, n, alpha);
  };
}

/** Forward and backward of one activation, each split over the thread pool. */
function pair(forward: ElementwiseForward, backward: ElementwiseBackward): { forward: ElementwiseForward; backward: ElementwiseBackward } {
  return { forward: splitForward(forward), backward: splitBackward(backward) };
}

function elementwiseTable(w: WasmExports): ElementwiseKernels {
  return {
    linear: pair(w.f32_linear_forward__simd, w.f32_linear_backward__simd),
    step: { forward: splitForward(w.f32_step_forward__simd), backward: undefined },
    sigmoid: pair(w.f32_sigmoid_forward__simd, w.f32_sigmoid_backward__simd),
    hardSigmoid: pair(w.f32_hard_sigmoid_forward__simd, w.f32_hard_sigmoid_backward__simd),
    tanh: pair(w.f32_tanh_forward__simd, w.f32_tanh_backward__simd),
    relu: pair(w.f32_relu_forward__simd, w.f32_relu_backward__simd),
    relu6: pair(w.f32_relu6_forward__simd, w.f32_relu6_backward__simd),
    leakyRelu: pair(w.f32_leaky_relu_forward__simd, w.f32_leaky_relu_backward__simd),
    elu: pair(w.f32_elu_forward__simd, w.f32_elu_backward__simd),
    selu: pair(w.f32_selu_forward__simd, w.f32_selu_backward__simd),
    gelu: pair(w.f32_gelu_forward__simd, w.f32_gelu_backward__simd),
    geluTanh: pair(w.f32_gelu_tanh_forward__simd, w.f32_gelu_tanh_backward__simd),
    swish: pair(w.f32_swish_forward__simd, w.f32_swish_backward__simd),
    mish: pair(w.f32_mish_forward__simd, w.f32_mish_backward__simd),
    softplus: pair(w.f32_softplus_forward__simd, w.f32_softplus_backward__simd),
    softsign: pair(w.f32_softsign_forward__simd, w.f32_softsign_backward__simd),
  };
}

function rowTable(w: WasmExports): RowKernels {
  return {
    softmax: { forward: w.f32_softmax_forward__simd, backward: w.f32_softmax_backward__simd },
    logSoftmax: { forward: w.f32_log_softmax_forward__simd, backward: w.f32_log_softmax_backward__simd },
  };
}

/** The tables of one installed module (a re-init installs new exports). */
interface Tables {
  owner: WasmExports;
  elementwise: ElementwiseKernels;
  rows: RowKernels;
}
let tables: Tables | undefined;

function resolve(): Tables {
  const w = wasm();
  if (tables === undefined || tables.owner !== w) tables = { owner: w, elementwise: elementwiseTable(w), rows: rowTable(w) };
  return tables;
}

/** The elementwise activation kernels of the installed module. */
export function elementwiseKernels(): ElementwiseKernels {
  return resolve().elementwise;
}

/** The softmax-family kernels of the installed module. */
export function rowKernels(): RowKernels {
  return resolve().rows;
}

/** PReLU forward: y = x > 0 ? x : alpha[c]·x, c the index along the last axis of `channels`. */
export function preluForward(y: number, x: number, alpha: number, n: number, channels: number): void {
  wasm().f32_prelu_forward__simd(y, x, alpha, n, channels);
}

/** PReLU backward: dx += dy·(x > 0 ? 1 : alpha[c]); dalpha[c] += Σ dy·x where x <= 0. */
export function preluBackward(dx: number, dalpha: number, dy: number, x: number, alpha: number, n: number, channels: number): void {
  wasm().f32_prelu_backward__simd(dx, dalpha, dy, x, alpha, n, channels);
}
