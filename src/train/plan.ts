// The execution plan (DESIGN.md section 3), owned by an Executor (executor.ts): every activation,
// gradient and per-node state buffer of a model, for one batch size, laid out once in two wasm blocks. `values` holds activations and
// state; `grads` holds every activation gradient and is zeroed with one fill per step (backward
// kernels accumulate). Running a smaller batch (the last partial batch) uses the same buffers.
import { heap } from '../backend/memory.js';
import { fill } from '../kernels/memory.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { GraphNode, Layer, SymbolicTensor } from '../layers/layer.js';
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

/** Graph-level facts a plan needs (from the model). */
export interface PlanGraph {
  readonly inputs: readonly SymbolicTensor[];
  readonly output: SymbolicTensor;
  /** Non-input nodes in topological order. */
  readonly nodes: readonly GraphNode[];
}

/** Buffers and the node schedule of one model for one batch size. */
export class Plan {
  readonly steps: PlanStep[] = [];
  readonly inputs: Slot[];
  readonly output: Slot;
  /** Targets (`maxBatch` samples of `targetSize` floats) and per-sample weights; 0 when targetSize is 0. */
  readonly yTrue: number;
  readonly sampleWeights: number;
  private readonly valuesBlock: number;
  private readonly gradsBlock: number;
  private readonly gradFloats: number;
  private readonly valueFloats: number;
  private freed = false;

  /**
   * @param weightGrads gradient buffer of each weight of each layer (0 = no gradient); undefined
   *   for an inference plan (no gradient buffers at all).
   * @param inputGrads also compute gradients with respect to the inputs (saliency, gradient checks).
   * @param who names the model and plan in an AllocationError.
   */
  constructor(
    graph: PlanGraph,
    readonly maxBatch: number,
    readonly targetSize: number,
    weightGrads: ReadonlyMap<Layer, readonly number[]> | undefined,
    inputGrads = false,
    who = 'plan',
  ) {
    const training = weightGrads !== undefined;
    // Pass 1: lay out every buffer as an offset into one of the two blocks.
    const sizes = { values: 0, grads: 0 };
    const reserve = (floats: number, grad: boolean): Pending => {
      const p: Pending = { floats, grad, offset: grad ? sizes.grads : sizes.values };
      const padded = Math.ceil(floats / 4) * 4; // keep every buffer 16-byte aligned
      if (grad) sizes.grads += padded;
      else sizes.values += padded;
      return p;
    };
    const needsGrad = new Map<SymbolicTensor, boolean>();
    for (const t of graph.inputs) needsGrad.set(t, training && inputGrads);
    interface Layout {
      node: GraphNode;
      /** The input whose buffers the output shares (flatten, reshape). */
      aliasOf?: SymbolicTensor;
      out?: Pending;
      outGrad?: Pending;
      z?: Pending;
      dz?: Pending;
      state: Record<string, Pending>;
      needsBackward: boolean;
    }
    const layouts: Layout[] = [];
    const inputLayouts = graph.inputs.map((t) => reserve(maxBatch * sizeOf(t.shape), false));
    const inputGradLayouts = graph.inputs.map((t) => (training && inputGrads ? reserve(maxBatch * sizeOf(t.shape), true) : undefined));
    const trainableInside = (layer: Layer): boolean => (weightGrads?.get(layer) ?? []).some((g) => g !== 0);
    for (const node of graph.nodes) {
      const layer = node.layer;
      const n = maxBatch * sizeOf(node.output.shape);
      const upstream = node.inputs.some((t) => needsGrad.get(t) === true);
      const needsBackward = training && (upstream || trainableInside(layer));
      const outGrad = needsBackward || (training && node.output === graph.output);
      needsGrad.set(node.output, needsBackward);
      const alias = layer.aliasesInput === 'preActivation' && layer.activation === undefined ? 'output' : layer.aliasesInput;
      const layout: Layout = { node, state: {}, needsBackward };
      if (alias === 'output') {
        layout.aliasOf = node.inputs[0]!;
      } else {
        layout.out = reserve(n, false);
        if (outGrad) layout.outGrad = reserve(n, true);
        if (alias !== 'preActivation' && layer.activation !== undefined) {
          if (!layer.fusedActivation) layout.z = reserve(n, false);
          if (needsBackward) layout.dz = reserve(n, true);
        }
      }
      const requests = layer.stateRequests(node.inputs.map((t) => t.shape), node.output.shape, maxBatch);
      for (const [name, req] of Object.entries(requests)) layout.state[name] = reserve(req.floats, req.grad === true && training);
      layouts.push(layout);
    }
    let sinkFloats = 0;
    if (training) {
      for (const node of graph.nodes) {
        for (const t of node.inputs) sinkFloats = Math.max(sinkFloats, maxBatch * sizeOf(t.shape));
        for (const w of node.layer.weights) sinkFloats = Math.max(sinkFloats, w.size);
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
    const slots = new Map<SymbolicTensor, Slot>();
    this.inputs = graph.inputs.map((t, i) => {
      const slot: Slot = { ptr: ptr(inputLayouts[i]), grad: ptr(inputGradLayouts[i]), shape: t.shape, size: sizeOf(t.shape) };
      slots.set(t, slot);
      return slot;
    });
    for (const layout of layouts) {
      const { node } = layout;
      const inputs = node.inputs.map((t) => slots.get(t)!);
      let output: Slot;
      let z: number;
      let dz: number;
      if (layout.aliasOf !== undefined) {
        const src = slots.get(layout.aliasOf)!;
        output = { ptr: src.ptr, grad: src.grad, shape: node.output.shape, size: sizeOf(node.output.shape) };
        z = output.ptr;
        dz = output.grad;
      } else {
        output = {
          ptr: ptr(layout.out),
          grad: ptr(layout.outGrad),
          shape: node.output.shape,
          size: sizeOf(node.output.shape),
        };
        if (node.layer.aliasesInput === 'preActivation') {
          z = inputs[0]!.ptr;
          dz = inputs[0]!.grad;
        } else {
          z = layout.z ? ptr(layout.z) : output.ptr;
          dz = node.layer.activation !== undefined ? ptr(layout.dz) : output.grad;
        }
      }
      slots.set(node.output, output);
      const state: Record<string, number> = {};
      for (const [name, p] of Object.entries(layout.state)) state[name] = ptr(p);
      const grads = weightGrads?.get(node.layer) ?? node.layer.weights.map(() => 0);
      this.steps.push({
        layer: node.layer,
        io: { inputs, output, z, dz, weightGrads: grads, state, sink: sinkPtr },
        stage: node.layer.activation,
        fused: node.layer.fusedActivation,
        needsBackward: layout.needsBackward,
        lastDim: node.output.shape[node.output.shape.length - 1] ?? 1,
      });
    }
    this.output = slots.get(graph.output)!;
    this.yTrue = ptr(yTrue);
    this.sampleWeights = ptr(sampleWeights);
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
