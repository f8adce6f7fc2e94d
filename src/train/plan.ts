// The execution plan (DESIGN.md section 3), owned by an Executor (executor.ts): every activation,
// gradient and per-node state buffer of a model, for one batch size, laid out once in two wasm blocks. `values` holds activations and
// state; `grads` holds every activation gradient and is zeroed with one fill per step (backward
// kernels accumulate). Running a smaller batch (the last partial batch) uses the same buffers.
import { heap } from '../backend/memory.js';
import { fill } from '../kernels/memory.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { GraphNode, Layer, SymbolicTensor, Weight } from '../layers/layer.js';
import type { ActivationStage, CallContext, NodeIO, Slot } from '../layers/node-io.js';

/** One node of the plan: its layer, buffers, fused activation and whether gradients flow into it. */
export interface PlanStep {
  readonly layer: Layer;
  readonly io: NodeIO;
  readonly stage: ActivationStage | undefined;
  /** Whether backward runs for this node (something trainable is upstream or inside it). */
  readonly needsBackward: boolean;
  /** The layer's forward applied the activation already (the plan only runs its backward). */
  readonly fused: boolean;
  /** Entries of the output's last axis (softmax works row by row). */
  readonly lastDim: number;
}

interface Pending {
  floats: number;
  grad: boolean;
  offset: number;
}

/** Graph-level facts a plan needs (from the model, or a traced function). */
export interface PlanGraph {
  readonly inputs: readonly SymbolicTensor[];
  /** The outputs (a model's, or a traced function's value). */
  readonly outputs: readonly SymbolicTensor[];
  /** Non-input nodes in topological order (nodes of traced layers are expanded by the plan). */
  readonly nodes: readonly GraphNode[];
  /** Scalar loss terms added with `model.addLoss` (terms added inside layers are found by the plan). */
  readonly losses?: readonly SymbolicTensor[];
  /** Nodes computing only loss terms (run after `nodes`). */
  readonly lossNodes?: readonly GraphNode[];
}

/** Gradient buffers of the weights, by weight (0 or absent: no gradient). */
export type WeightGradPtrs = ReadonlyMap<Weight, number>;

/** A node to run, or a traced layer's output that is another tensor's buffers. */
type Flat = { node: GraphNode } | { alias: SymbolicTensor; of: SymbolicTensor };

/**
 * The graph's nodes with every traced layer replaced by the nodes of its `call` (recursively),
 * plus the loss terms found inside traced layers.
 */
function flatten(nodes: readonly GraphNode[], training: boolean, out: Flat[], losses: SymbolicTensor[]): void {
  for (const node of nodes) {
    if (node.inner === undefined) {
      out.push({ node });
      continue;
    }
    const call = training ? node.inner.training : node.inner.inference;
    flatten(call.nodes, training, out, losses);
    losses.push(...call.losses);
    node.outputs.forEach((t, i) => out.push({ alias: t, of: call.outputs[i]! }));
  }
}

/** Buffers and the node schedule of one model for one batch size. */
export class Plan {
  readonly steps: PlanStep[] = [];
  readonly inputs: Slot[];
  readonly outputs: Slot[];
  /** The loss terms (`addLoss`, activity regularisers): scalars, batched ones one per sample. */
  readonly losses: Slot[];
  /** Targets (`maxBatch` samples of `targetSize` floats) and per-sample weights; 0 when targetSize is 0. */
  readonly yTrue: number;
  readonly sampleWeights: number;
  private readonly valuesBlock: number;
  private readonly gradsBlock: number;
  private readonly gradFloats: number;
  private readonly valueFloats: number;
  private readonly slots = new Map<SymbolicTensor, Slot>();
  private freed = false;

  /**
   * @param weightGrads gradient buffer of each trainable weight; undefined for an inference plan
   *   (no gradient buffers at all).
   * @param inputGrads also compute gradients with respect to the inputs (saliency, gradient checks).
   * @param who names the model and plan in an AllocationError.
   */
  constructor(
    graph: PlanGraph,
    readonly maxBatch: number,
    readonly targetSize: number,
    weightGrads: WeightGradPtrs | undefined,
    inputGrads = false,
    who = 'plan',
  ) {
    const training = weightGrads !== undefined;
    const flat: Flat[] = [];
    const innerLosses: SymbolicTensor[] = [];
    flatten([...graph.nodes, ...(graph.lossNodes ?? [])], training, flat, innerLosses);
    const lossTerms = [...(graph.losses ?? []), ...innerLosses];
    const roots = new Set<SymbolicTensor>([...graph.outputs, ...lossTerms]);
    // Pass 1: lay out every buffer as an offset into one of the two blocks.
    const sizes = { values: 0, grads: 0 };
    const reserve = (floats: number, grad: boolean): Pending => {
      const p: Pending = { floats, grad, offset: grad ? sizes.grads : sizes.values };
      const padded = Math.ceil(floats / 4) * 4; // keep every buffer 16-byte aligned
      if (grad) sizes.grads += padded;
      else sizes.values += padded;
      return p;
    };
    const floatsOf = (t: SymbolicTensor): number => (t.batched ? maxBatch : 1) * sizeOf(t.shape);
    const gradOf = (w: Weight): number => weightGrads?.get(w) ?? 0;
    const needsGrad = new Map<SymbolicTensor, boolean>();
    for (const t of graph.inputs) needsGrad.set(t, training && inputGrads);
    interface Layout {
      node: GraphNode;
      /** The input whose buffers the output shares (flatten, reshape). */
      aliasOf?: SymbolicTensor;
      outs: Array<{ value: Pending; grad: Pending | undefined }>;
      z?: Pending;
      dz?: Pending;
      state: Record<string, Pending>;
      needsBackward: boolean;
      weightGrads: number[];
    }
    const layouts: Array<Layout | { alias: SymbolicTensor; of: SymbolicTensor }> = [];
    const inputLayouts = graph.inputs.map((t) => reserve(floatsOf(t), false));
    const inputGradLayouts = graph.inputs.map((t) => (training && inputGrads ? reserve(floatsOf(t), true) : undefined));
    let sinkFloats = 0;
    for (const item of flat) {
      if ('alias' in item) {
        needsGrad.set(item.alias, needsGrad.get(item.of) === true);
        layouts.push(item);
        continue;
      }
      const { node } = item;
      const layer = node.layer;
      const weightGradPtrs = layer.weights.map(gradOf);
      const read = layer.readsWeight;
      if (read !== undefined) {
        needsGrad.set(node.output, gradOf(read) !== 0);
        layouts.push({ node, outs: [], state: {}, needsBackward: false, weightGrads: weightGradPtrs });
        continue;
      }
      const upstream = node.inputs.some((t) => needsGrad.get(t) === true);
      const needsBackward = training && (upstream || weightGradPtrs.some((g) => g !== 0));
      for (const t of node.outputs) needsGrad.set(t, needsBackward);
      const alias = layer.aliasesInput === 'preActivation' && layer.activation === undefined ? 'output' : layer.aliasesInput;
      const layout: Layout = { node, outs: [], state: {}, needsBackward, weightGrads: weightGradPtrs };
      if (alias === 'output') {
        layout.aliasOf = node.inputs[0]!;
      } else {
        for (const t of node.outputs) {
          const outGrad = needsBackward || (training && roots.has(t));
          layout.outs.push({ value: reserve(floatsOf(t), false), grad: outGrad ? reserve(floatsOf(t), true) : undefined });
        }
        const n = floatsOf(node.output);
        if (alias !== 'preActivation' && layer.activation !== undefined) {
          if (!layer.fusedActivation) layout.z = reserve(n, false);
          if (needsBackward) layout.dz = reserve(n, true);
        }
      }
      const requests = layer.stateRequests(node.dataInputs.map((t) => t.shape), node.output.shape, maxBatch, node);
      for (const [name, req] of Object.entries(requests)) layout.state[name] = reserve(req.floats, req.grad === true && training);
      layouts.push(layout);
      if (training) {
        for (const t of node.inputs) sinkFloats = Math.max(sinkFloats, floatsOf(t));
        for (const w of layer.weights) sinkFloats = Math.max(sinkFloats, w.size);
      }
    }
    const sink = sinkFloats > 0 ? reserve(sinkFloats, false) : undefined;
    const yTrue = targetSize > 0 ? reserve(maxBatch * targetSize, false) : undefined;
    const sampleWeights = targetSize > 0 ? reserve(maxBatch, false) : undefined;

    // Pass 2: allocate the two blocks and resolve offsets to pointers.
    const h = heap();
    this.valuesBlock = h.alloc(Math.max(4, sizes.values) * 4, who);
    try {
      this.gradsBlock = sizes.grads > 0 ? h.alloc(sizes.grads * 4, who) : 0;
    } catch (err) {
      h.free(this.valuesBlock); // nothing of a failed plan stays allocated
      throw err;
    }
    this.gradFloats = sizes.grads;
    this.valueFloats = sizes.values;
    const ptr = (p: Pending | undefined): number => (p === undefined ? 0 : (p.grad ? this.gradsBlock : this.valuesBlock) + p.offset * 4);
    const sinkPtr = ptr(sink);
    const slots = this.slots;
    const slotOf = (t: SymbolicTensor, value: number, grad: number): Slot => ({ ptr: value, grad, shape: t.shape, size: sizeOf(t.shape), batched: t.batched });
    this.inputs = graph.inputs.map((t, i) => {
      const slot = slotOf(t, ptr(inputLayouts[i]), ptr(inputGradLayouts[i]));
      slots.set(t, slot);
      return slot;
    });
    for (const layout of layouts) {
      if ('alias' in layout) {
        const src = slots.get(layout.of)!;
        slots.set(layout.alias, src);
        continue;
      }
      const { node } = layout;
      const read = node.layer.readsWeight;
      if (read !== undefined) {
        slots.set(node.output, slotOf(node.output, read.ptr, gradOf(read)));
        continue;
      }
      const given = node.inputs.map((t) => slots.get(t)!);
      const inputs = node.masked ? given.slice(0, -1) : given;
      let outputs: Slot[];
      let z: number;
      let dz: number;
      if (layout.aliasOf !== undefined) {
        const src = slots.get(layout.aliasOf)!;
        outputs = [slotOf(node.output, src.ptr, src.grad)];
        z = src.ptr;
        dz = src.grad;
      } else {
        outputs = node.outputs.map((t, i) => slotOf(t, ptr(layout.outs[i]!.value), ptr(layout.outs[i]!.grad)));
        if (node.layer.aliasesInput === 'preActivation') {
          z = inputs[0]!.ptr;
          dz = inputs[0]!.grad;
        } else {
          z = layout.z ? ptr(layout.z) : outputs[0]!.ptr;
          dz = node.layer.activation !== undefined ? ptr(layout.dz) : outputs[0]!.grad;
        }
      }
      node.outputs.forEach((t, i) => slots.set(t, outputs[i]!));
      const state: Record<string, number> = {};
      for (const [name, p] of Object.entries(layout.state)) state[name] = ptr(p);
      this.steps.push({
        layer: node.layer,
        io: { inputs, mask: node.masked ? given[given.length - 1] : undefined, output: outputs[0]!, outputs, z, dz, weightGrads: layout.weightGrads, state, sink: sinkPtr },
        stage: node.layer.activation,
        fused: node.layer.fusedActivation,
        needsBackward: layout.needsBackward,
        lastDim: node.output.shape[node.output.shape.length - 1] ?? 1,
      });
    }
    this.outputs = graph.outputs.map((t) => slots.get(t)!);
    this.losses = lossTerms.map((t) => slots.get(t)!);
    this.yTrue = ptr(yTrue);
    this.sampleWeights = ptr(sampleWeights);
  }

  /** The first output (single-output models). */
  get output(): Slot {
    return this.outputs[0]!;
  }

  /** The buffers of a tensor of the graph (undefined when the plan does not hold it). */
  slot(t: SymbolicTensor): Slot | undefined {
    return this.slots.get(t);
  }

  /** Bytes of wasm memory the plan holds. */
  get bytes(): number {
    return (this.valueFloats + this.gradFloats) * 4;
  }

  /** Runs every node forward on the first `ctx.batch` samples of the input slots. */
  forward(ctx: CallContext): void {
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      s.layer.forward(s.io, ctx);
      if (s.stage !== undefined && !s.fused) s.stage.forward(s.io.output.ptr, s.io.z, ctx.batch * s.io.output.size, s.lastDim);
    }
  }

  /** Zeroes every activation gradient (one fill). */
  zeroGrads(): void {
    if (this.gradFloats > 0) fill(this.gradsBlock, 0, this.gradFloats);
  }

  /** Runs backward in reverse order; the loss has already accumulated into `output.grad`. */
  backward(ctx: CallContext): void {
    const steps = this.steps;
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i]!;
      if (!s.needsBackward) continue;
      const io = s.io;
      if (s.stage !== undefined && io.dz !== 0) s.stage.backward(io.dz, io.output.grad, io.z, io.output.ptr, ctx.batch * io.output.size, s.lastDim);
      s.layer.backward(io, ctx);
    }
  }

  /** Returns the plan's memory to the heap (idempotent). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    const h = heap();
    h.free(this.valuesBlock);
    h.free(this.gradsBlock);
  }
}

/** Shape helper for messages. */
export function batchShape(batch: number | string, shape: Shape): string {
  return `[${[batch, ...shape].join(', ')}]`;
}
