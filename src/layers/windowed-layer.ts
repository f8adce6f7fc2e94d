// The shared body of the single-input windowed layers (2-D pooling and resizing, and their 1-D
// forms on a [batch, 1, steps, channels] view): one geometry per batch size, and the step's
// pointers refilled in one object per layer (the ops read it synchronously; nothing allocated).
import type { Shape } from '../core/tensor.js';
import { GeometryCache, type Releasable } from './geometry-cache.js';
import { Layer } from './layer.js';
import type { BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';

/** A geometry the cache can free, with the output shape it gives. */
export type WindowGeometry = Releasable & { outputShape: Shape };

/** A single-input layer with a geometry per batch size, made from the per-sample input shape. */
export abstract class WindowedLayer<C extends BaseLayerConfig, G extends WindowGeometry> extends Layer<C> {
  private readonly cache: GeometryCache<G>;
  constructor(config: C, prefix: string) {
    super(config, prefix);
    this.cache = new GeometryCache((batch) => this.geometryFor(batch, this.inputShapes![0]!));
    this.onDispose(this.cache.disposer());
  }
  /** The geometry for this batch size and per-sample input shape. */
  protected abstract geometryFor(batch: number, sample: Shape): G;
  /** The geometry for this step's batch size (made once per size). */
  protected geom(ctx: CallContext): G {
    return this.cache.get(ctx.batch);
  }
  private readonly ptrs = { y: 0, x: 0, dx: 0, dy: 0 };
  protected forwardPtrs(io: NodeIO): { y: number; x: number } {
    this.ptrs.y = io.z;
    this.ptrs.x = io.inputs[0]!.ptr;
    return this.ptrs;
  }
  protected backwardPtrs(io: NodeIO): { dx: number; dy: number; x: number } {
    const x = io.inputs[0]!;
    this.ptrs.dx = x.grad;
    this.ptrs.dy = io.dz;
    this.ptrs.x = x.ptr;
    return this.ptrs;
  }
}
