// The wasm memory a model owns for running: its executors (one per batch size and mode, cached)
// and the weight gradients its training executors share. Freed through `onCollect` when the
// model is collected; holds no reference to the model.
import { heap } from '../backend/memory.js';
import type { ParamRef } from '../optimizers/optimizer.js';
import type { Rng } from '../random.js';
import { Executor, type ExecutorGraph, type Objective } from './executor.js';
import { WeightGradients } from './gradients.js';

/** Inference executors kept per model (oldest dropped first). */
const MAX_INFERENCE = 3;

/** A model's executors and gradients. */
export class Executors {
  /** Keyed by batch size: positive for training executors, negative for inference (a number: no string per step). */
  private readonly byKey = new Map<number, Executor>();
  private grads: WeightGradients | undefined;
  private readonly heapAtStart = heap();

  /**
   * The executor for `batch` (training ones compute gradients); cached. A training executor at
   * least as large serves a smaller batch, and inference, on the same buffers.
   */
  get(graph: ExecutorGraph, objective: Objective | undefined, batch: number, training: boolean, rng: Rng, model = 'model'): Executor {
    const key = training ? batch : -batch;
    const grads = training ? this.gradients(graph, objective!, model) : undefined; // may drop stale training executors
    let e = this.byKey.get(key);
    if (e !== undefined) return e;
    for (const [k, other] of this.byKey) if (k > 0 && other.maxBatch >= batch) return other;
    e = new Executor(graph, batch, objective, grads, rng, `${model} (${training ? 'training' : 'inference'} plan for batches of ${batch})`);
    // A training executor may be in use by a running fit, so those stay until the model is
    // recompiled, rebuilt or collected.
    if (!training) {
      const inference = [...this.byKey.keys()].filter((k) => k < 0);
      if (inference.length >= MAX_INFERENCE) {
        this.byKey.get(inference[0]!)!.free();
        this.byKey.delete(inference[0]!);
      }
    }
    this.byKey.set(key, e);
    return e;
  }

  /** The weight gradients, registered with the optimizer; rebuilt (with the training executors) when `trainable` flags or the layers change. */
  gradients(graph: ExecutorGraph, objective: Objective, model = 'model'): WeightGradients {
    if (this.grads !== undefined && this.grads.matches(graph.layers)) return this.grads;
    for (const [key, e] of [...this.byKey]) {
      if (e.training) {
        e.free();
        this.byKey.delete(key);
      }
    }
    this.freeGradients();
    this.grads = new WeightGradients(graph.layers, objective.optimizer, `${model} (weight gradients)`);
    return this.grads;
  }

  /** Parameters the optimizer updates (empty before the first training step). */
  get params(): readonly ParamRef[] {
    return this.grads?.params ?? [];
  }

  /** Bytes of wasm memory held by the executors and gradients. */
  get bytes(): number {
    let total = 0;
    for (const e of this.byKey.values()) total += e.bytes;
    return total + (this.grads?.floats ?? 0) * 4;
  }

  /** Frees every executor and the gradients (compile, or a changed graph). */
  clear(): void {
    const live = heap() === this.heapAtStart; // else the module was re-initialised: its memory is gone
    if (live) for (const e of this.byKey.values()) e.free();
    this.byKey.clear();
    this.freeGradients();
  }

  private freeGradients(): void {
    if (heap() === this.heapAtStart) this.grads?.free();
    this.grads = undefined;
  }
}

/** Frees a collected model's executors (see `onCollect`). */
export function freeExecutors(executors: Executors): void {
  executors.clear();
}
