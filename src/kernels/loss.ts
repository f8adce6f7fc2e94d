// Bindings of assembly/loss.ts: one fused value + per-sample + gradient kernel per loss, and the
// label checks. Every kernel name is written once, in the table below; src/losses/registry.ts
// names its kernel by the table's key.
import { CONSTANTS, wasm, type WasmExports } from './exports.js';
import { heap, onCollect, type Heap } from '../backend/memory.js';
import { allocStruct, freeStructs, writeStruct, type StructLayout } from './structs.js';

/**
 * A fused loss kernel: returns the batch's mean loss and writes per-sample losses (if sampleLoss
 * != 0) and dPred (if != 0); `shape` points to a LOSS_SHAPE struct (rows per sample, floats per
 * row, and the loss's parameters a and b: margin, delta, smoothing, ...).
 */
export type LossKernel = (sampleLoss: number, dPred: number, yTrue: number, yPred: number, weights: number, batch: number, shape: number) => number;

/** The layout of a loss call's LossShape struct (assembly/loss.ts). */
export const LOSS_SHAPE: StructLayout<'a' | 'b', 'positions' | 'width'> = {
  bytes: CONSTANTS.LOSS_SHAPE_BYTES,
  f32: { a: CONSTANTS.LOSS_SHAPE_A, b: CONSTANTS.LOSS_SHAPE_B },
  i32: { positions: CONSTANTS.LOSS_SHAPE_POSITIONS, width: CONSTANTS.LOSS_SHAPE_WIDTH },
};

function table(w: WasmExports) {
  return {
    mse: w.f32_mse_loss__simd,
    mae: w.f32_mae_loss__simd,
    mbe: w.f32_mbe_loss__simd,
    huber: w.f32_huber_loss__simd,
    smooth_l1: w.f32_smooth_l1_loss__simd,
    log_cosh: w.f32_log_cosh_loss__simd,
    msle: w.f32_msle_loss__simd,
    mape: w.f32_mape_loss__simd,
    poisson: w.f32_poisson_loss__simd,
    quantile: w.f32_quantile_loss__simd,
    hinge: w.f32_hinge_loss__simd,
    perceptron: w.f32_perceptron_loss__simd,
    squared_hinge: w.f32_squared_hinge_loss__simd,
    contrastive: w.f32_contrastive_loss__simd,
    bce: w.f32_bce_loss__simd,
    bce_logits: w.f32_bce_logits_loss__simd,
    kld: w.f32_kld_loss__simd,
    rmse: w.f32_rmse_loss__simd,
    cce: w.f32_cce_loss__simd,
    cce_logits: w.f32_cce_logits_loss__simd,
    sparse_cce: w.f32_sparse_cce_loss__simd,
    sparse_cce_logits: w.f32_sparse_cce_logits_loss__simd,
    sparse_cce_logits_narrow: w.f32_sparse_cce_logits_narrow_loss__simd,
    categorical_hinge: w.f32_categorical_hinge_loss__simd,
    multiclass_hinge: w.f32_multiclass_hinge_loss__simd,
    triplet_margin: w.f32_triplet_margin_loss__simd,
    margin_ranking: w.f32_margin_ranking_loss__simd,
    dice: w.f32_dice_loss__simd,
  } satisfies Record<string, LossKernel>;
}

/** Every loss kernel of the module, by its stem (assembly/loss.ts: f32_<stem>_loss__simd). */
export type LossKernels = ReturnType<typeof table>;
/** The stem of a loss kernel. */
export type LossKernelName = keyof LossKernels;

let resolved: { owner: WasmExports; table: LossKernels } | undefined;

/** The loss kernels of the installed module. */
export function lossKernels(): LossKernels {
  const w = wasm();
  if (resolved === undefined || resolved.owner !== w) resolved = { owner: w, table: table(w) };
  return resolved.table;
}

/** Index of the first of n labels that is not an integer in [0, classes), or -1. */
export function sparseLabelsCheck(labels: number, n: number, classes: number): number {
  return wasm().f32_sparse_labels_check(labels, n, classes);
}

/** 1 if every one of n labels is 0 or 1 (hinge losses then map them to -1/1), else 0. */
export function labelsAreBinary(labels: number, n: number): number {
  return wasm().f32_labels_are_binary(labels, n);
}

interface HeldShape {
  heap: Heap;
  ptr: number;
}

function releaseShape(held: HeldShape): void {
  freeStructs(held.heap, [held.ptr]);
}

/**
 * One loss's LossShape struct: allocated from the struct pool on first use, rewritten only when
 * a value changes (a new sample shape, or hinge labels switching between {0, 1} and {-1, 1}),
 * so a training step writes nothing. Returned to the pool when the binding is collected.
 */
export class LossShapeBinding {
  private ptr = 0;
  private owner: Heap | undefined;
  private positions = -1;
  private width = -1;
  private a = 0;
  private b = 0;

  constructor(private readonly who: string) {}

  /** Byte offset of the struct holding these values. */
  bind(positions: number, width: number, a: number, b: number): number {
    const h = heap();
    if (this.ptr === 0 || this.owner !== h) {
      this.ptr = allocStruct(LOSS_SHAPE.bytes, this.who);
      this.owner = h;
      this.positions = -1;
      onCollect(this, { heap: h, ptr: this.ptr }, releaseShape);
    }
    if (positions !== this.positions || width !== this.width || a !== this.a || b !== this.b) {
      writeStruct(this.ptr, LOSS_SHAPE, { positions, width, a, b });
      this.positions = positions;
      this.width = width;
      this.a = a;
      this.b = b;
    }
    return this.ptr;
  }
}
