// Applying gradients computed by `valueAndGrad` with any optimizer to any list of weights
// (Keras's optimizer.apply_gradients): what a custom trainStep (a GAN, a VAE) does each step.
import { heap, onCollect, writeF32 } from '../backend/memory.js';
import { weightsChanged } from '../backend/weights-version.js';
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor, sameShape } from '../core/tensor.js';
import type { Weight } from '../layers/layer.js';
import type { Optimizer, ParamRef } from '../optimizers/optimizer.js';

/** The weights an optimizer was last built for, and their gradient block. */
interface Binding {
  weights: readonly Weight[];
  block: { ptr: number };
  params: ParamRef[];
}

const bindings = new WeakMap<Optimizer, Binding>();

function freeBlock(block: { ptr: number }): void {
  if (block.ptr !== 0) heap().free(block.ptr);
  block.ptr = 0;
}

/**
 * One optimizer update of `weights` with `grads` (same order and shapes). The optimizer keeps its
 * state (moments, step count) between calls with the same weight list; a different list builds
 * its state anew. Use one optimizer per list of weights (a GAN: one for the generator, one for
 * the discriminator), not the one a model compiled for its own fit.
 */
export function applyGradients(optimizer: Optimizer, grads: readonly Tensor[], weights: readonly Weight[]): void {
  const who = 'applyGradients';
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function') throw new ValueError(`${who}: expected an optimizer (e.g. optimizers.adam()), got ${String(optimizer)}`);
  if (!Array.isArray(grads) || !Array.isArray(weights) || grads.length !== weights.length || weights.length === 0) {
    throw new ValueError(`${who}: expected as many gradients as weights (at least one), got ${Array.isArray(grads) ? grads.length : typeof grads} and ${Array.isArray(weights) ? weights.length : typeof weights}`);
  }
  weights.forEach((w, i) => {
    const g = grads[i];
    if (!(g instanceof Tensor)) throw new ValueError(`${who}: gradient ${i} must be a Tensor`);
    if (w === null || typeof w !== 'object' || (w as { isWeight?: unknown }).isWeight !== true) throw new ValueError(`${who}: weights[${i}] is not a layer weight`);
    if (!sameShape(g.shape, w.shape)) throw new ShapeError(`${who}: gradient ${i} has shape ${formatShape(g.shape)}, weight ${w.name} has ${formatShape(w.shape)}`);
  });
  let b = bindings.get(optimizer);
  if (b === undefined || b.weights.length !== weights.length || b.weights.some((w, i) => w !== weights[i])) {
    const block = b?.block ?? { ptr: 0 };
    freeBlock(block);
    let floats = 0;
    for (const w of weights) floats += Math.ceil(w.size / 4) * 4;
    block.ptr = heap().alloc(floats * 4, `${who} (${optimizer.name} gradients)`);
    let at = block.ptr;
    const params = weights.map((w, i) => {
      const p: ParamRef = { name: `${w.name}_${i}`, ptr: w.ptr, gradPtr: at, size: w.size };
      at += Math.ceil(w.size / 4) * 16;
      return p;
    });
    optimizer.build(params);
    if (b === undefined) onCollect(optimizer, block, freeBlock);
    b = { weights: [...weights], block, params };
    bindings.set(optimizer, b);
  }
  b.params.forEach((p, i) => writeF32(p.gradPtr, grads[i]!.data));
  optimizer.step();
  weightsChanged(); // a custom Optimizer may not bump it (inference caches compare it)
}
