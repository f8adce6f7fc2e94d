// Gradients of functions (TensorFlow.js's tf.grad / tf.valueAndGrad / tf.variableGrads, JAX's
// value_and_grad): the function is traced once per input shape into a plan, laid out once; every
// later call copies the arguments in, runs forward and backward, and copies the results out.
import { heap, onCollect, readF32, writeF32, f32 } from '../backend/memory.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { Tensor, describeValue } from '../core/tensor.js';
import { Input, InputLayer } from '../layers/core.js';
import { SymbolicTensor, describeOperand, type GraphNode, type Weight } from '../layers/layer.js';
import { fill } from '../kernels/memory.js';
import { Rng } from '../random.js';
import { Plan } from '../train/plan.js';

/** A function of symbolic batches returning a scalar built from ops, layers or models. */
export type ScalarFunction = (...args: SymbolicTensor[]) => SymbolicTensor;

/** What to differentiate with respect to: an argument's index, or a weight (`layer.weights[i]`, `model.trainableWeights`). */
export type GradTarget = number | Weight;

/** Options of `valueAndGrad`. */
export interface ValueAndGradOptions {
  /** The arguments (by index) and weights to differentiate with respect to. Default: every argument. */
  wrt?: readonly GradTarget[];
  /** Run layers in training mode (dropout active, batch statistics). Default false. */
  training?: boolean;
  /** Seed of the generator that dropout and random ops draw from. Default 0. */
  seed?: number;
}

/** The value of the function and its gradient with respect to each `wrt` target, in order. */
export interface ValueAndGrad {
  value: number;
  grads: Tensor[];
}

interface Compiled {
  plan: Plan;
  /** Gradient block of the weights in `wrt` (0 when none). */
  block: number;
  blockFloats: number;
  weightGrads: Map<Weight, number>;
  value: { ptr: number; grad: number };
}

/** Every node the roots depend on, in topological order (nodes without inputs are sources). */
function collect(roots: readonly SymbolicTensor[], inputs: readonly SymbolicTensor[], who: string): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const visit = (node: GraphNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.layer instanceof InputLayer) {
      if (!inputs.includes(node.output)) throw new ValueError(`${who}: the function uses ${node.output.toString()}, which is not one of its arguments (use only the tensors it is given)`);
      return;
    }
    for (const t of node.inputs) visit(t.node);
    order.push(node);
  };
  for (const r of roots) visit(r.node);
  return order;
}

function isWeight(v: unknown): v is Weight {
  return v !== null && typeof v === 'object' && (v as { isWeight?: unknown }).isWeight === true;
}

/** Frees a collected gradient function's plans. */
function freeCompiled(cache: Map<string, Compiled>): void {
  for (const c of cache.values()) {
    c.plan.free();
    if (c.block !== 0) heap().free(c.block);
  }
  cache.clear();
}

/**
 * `valueAndGrad(fn, { wrt })` returns a function of Tensors computing `fn`'s value and its
 * gradients. `fn` receives symbolic batches (the first axis of every argument is the batch axis:
 * all arguments share it) and returns a scalar built from `ops`, layers and models
 * (`model.apply(x)`). It is traced once per argument shape; later calls allocate only the returned
 * tensors. Weights in `wrt` (e.g. `model.trainableWeights`) get gradients of their own shape.
 *
 * ```ts
 * const saliency = valueAndGrad((x, y) => ops.mean(losses.sparseCategoricalCrossentropy()(y, model.apply(x))));
 * const { value, grads: [dx] } = saliency(images, labels);
 * ```
 */
export function valueAndGrad(fn: ScalarFunction, options: ValueAndGradOptions = {}): (...args: Tensor[]) => ValueAndGrad {
  const who = 'valueAndGrad';
  if (typeof fn !== 'function') throw new ValueError(`${who}: expected a function of symbolic tensors returning a scalar, got ${describeValue(fn)}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!['wrt', 'training', 'seed'].includes(key)) throw new ValueError(`${who}: unknown option '${key}'; expected wrt, training or seed`);
  }
  const { wrt, training = false, seed = 0 } = options;
  if (wrt !== undefined && (!Array.isArray(wrt) || wrt.length === 0 || !wrt.every((t) => (Number.isInteger(t) && (t as number) >= 0) || isWeight(t)))) {
    throw new ValueError(`${who}: wrt must be a non-empty array of argument indices and weights, got ${describeOperand(wrt)}`);
  }
  if (typeof training !== 'boolean') throw new ValueError(`${who}: training must be a boolean, got ${describeValue(training)}`);
  const cache = new Map<string, Compiled>();
  const rng = new Rng(seed);
  const ctx = { training, batch: 0, rng };
  const run = (...args: Tensor[]): ValueAndGrad => {
    if (args.length === 0 || !args.every((a) => a instanceof Tensor)) {
      throw new ValueError(`${who}: call the gradient function with Tensors (batches), got ${args.length === 0 ? 'no arguments' : args.map(describeOperand).join(', ')}`);
    }
    const batch = args[0]!.shape[0];
    for (const a of args) {
      if (a.rank < 1 || a.shape[0] !== batch || batch === 0) {
        throw new ShapeError(`${who}: every argument is a batch with the same first (batch) axis, got shapes ${args.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
      }
    }
    const targets = wrt ?? args.map((_, i) => i);
    for (const t of targets) if (typeof t === 'number' && t >= args.length) throw new ValueError(`${who}: wrt names argument ${t}, but the function got ${args.length}`);
    const key = args.map((a) => a.shape.join('x')).join(',');
    let c = cache.get(key);
    if (c === undefined) {
      c = compile(fn, args, targets, who);
      cache.set(key, c);
    }
    const { plan } = c;
    args.forEach((a, i) => writeF32(plan.inputs[i]!.ptr, a.data));
    plan.zeroGrads();
    if (c.block !== 0) fill(c.block, 0, c.blockFloats);
    ctx.batch = batch!;
    plan.forward(ctx);
    const value = f32()[c.value.ptr >>> 2]!;
    f32()[c.value.grad >>> 2] = 1;
    plan.backward(ctx);
    const grads = targets.map((t) => {
      if (typeof t === 'number') return new Tensor(readF32(plan.inputs[t]!.grad, args[t]!.size), args[t]!.shape);
      return new Tensor(readF32(c.weightGrads.get(t)!, t.size), t.shape);
    });
    return { value, grads };
  };
  onCollect(run, cache, freeCompiled);
  return run;
}

function compile(fn: ScalarFunction, args: readonly Tensor[], targets: readonly GradTarget[], who: string): Compiled {
  const inputs = args.map((a) => Input({ shape: a.shape.slice(1) }));
  const out = fn(...inputs);
  if (!(out instanceof SymbolicTensor)) throw new ValueError(`${who}: the function must return a SymbolicTensor built with ops, got ${describeOperand(out)}`);
  if (out.batched || out.shape.length !== 0) {
    throw new ShapeError(`${who}: the function must return a scalar (shape []), got ${out.toString()}; reduce it with ops.mean or ops.sum`);
  }
  const nodes = collect([out], inputs, who);
  const weights = targets.filter(isWeight);
  let blockFloats = 0;
  for (const w of weights) blockFloats += Math.ceil(w.size / 4) * 4;
  const block = blockFloats > 0 ? heap().alloc(blockFloats * 4, `${who} (weight gradients)`) : 0;
  const weightGrads = new Map<Weight, number>();
  let at = block;
  for (const w of weights) {
    weightGrads.set(w, at);
    at += Math.ceil(w.size / 4) * 16;
  }
  let plan: Plan;
  try {
    plan = new Plan({ inputs, outputs: [out], nodes }, args[0]!.shape[0]!, 0, weightGrads, targets.some((t) => typeof t === 'number'), `${who} plan`);
  } catch (err) {
    if (block !== 0) heap().free(block);
    throw err;
  }
  for (const w of weights) if (!nodes.some((n) => n.layer.readsWeight === w || n.layer.weights.includes(w))) {
    plan.free();
    if (block !== 0) heap().free(block);
    throw new ValueError(`${who}: wrt lists weight ${w.name}, which the function does not use`);
  }
  const slot = plan.outputs[0]!;
  return { plan, block, blockFloats, weightGrads, value: { ptr: slot.ptr, grad: slot.grad } };
}

/** The gradient of `fn` with respect to its first argument (TensorFlow.js's `tf.grad`). */
export function grad(fn: ScalarFunction, options: Omit<ValueAndGradOptions, 'wrt'> = {}): (...args: Tensor[]) => Tensor {
  const f = valueAndGrad(fn, { ...options, wrt: [0] });
  return (...args: Tensor[]) => f(...args).grads[0]!;
}

/** The gradients of `fn` with respect to every argument (TensorFlow.js's `tf.grads`). */
export function grads(fn: ScalarFunction, options: Omit<ValueAndGradOptions, 'wrt'> = {}): (...args: Tensor[]) => Tensor[] {
  const f = valueAndGrad(fn, options);
  return (...args: Tensor[]) => f(...args).grads;
}
