// The augmentation contract and its executor. Each augmentation is a seeded `sample()` that draws
// per-image parameters (a Float32Array) from the library's generator plus a pure `apply()`.
// Geometric augmentations produce per-image 2x3 inverse matrices; consecutive ones with the same
// fill settings are composed into one matrix per image and run as ONE affine-warp kernel call.
// Pixel augmentations (flips, brightness, contrast, noise, erasing) run in place.
import { affineWarp } from '../kernels/augment.js';
import { copy } from '../kernels/memory.js';
import { cancelRelease, f32, heap, memoryBytes, readF32, releaseOnCollect, withScratch, type Heap } from '../backend/memory.js';
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor, expectRank } from '../core/tensor.js';
import type { RandomSource } from '../data/random-source.js';
import { GEOMETRY_BYTES, sameFill, writeGeometry, type Fill, type ImageShape } from './kernels.js';

/** Matrix entries beyond this are rejected (they would only sample far outside the image). */
const MATRIX_LIMIT = 1e6;

/** Base of every augmentation: a parameter sampler plus a pure function of images and parameters. */
export abstract class Augmentation {
  /** The factory's name, used in error messages ('randomRotation'). */
  abstract readonly name: string;
  /** 'affine': parameters are per-image matrices [a0, a1, a2, b0, b1, b2]; 'pixel': in place. */
  abstract readonly kind: 'affine' | 'pixel';
  private single: Pipeline | undefined;

  /** The batch shape this augmentation outputs for an input batch shape. */
  outputShape(shape: ImageShape): ImageShape {
    return shape;
  }

  /** How many floats of parameters each image gets. */
  abstract paramsPerImage(shape: ImageShape): number;

  /** Draws the parameters of a batch of `shape` into `out` (length n * paramsPerImage). */
  abstract sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void;

  /** Draws the parameters for a batch of images of `shape` ([n, h, w, c]) from `rng`. */
  sample(shape: readonly number[], rng: RandomSource): Float32Array {
    const s = checkImageShape(shape, `${this.name}.sample`);
    const out = new Float32Array(s[0] * this.paramsPerImage(s));
    this.sampleInto(s, rng, out);
    return out;
  }

  /** Applies this augmentation with the given parameters (pure: same inputs, same output). */
  apply(images: Tensor, params: Float32Array): Tensor {
    return (this.single ??= new Pipeline([this])).apply(images, [params]);
  }

  /** Augments a batch already in wasm memory in place (see `Pipeline.applyInPlacePtr`). */
  applyInPlacePtr(ptr: number, shape: readonly number[], rng: RandomSource): void {
    (this.single ??= new Pipeline([this])).applyInPlacePtr(ptr, shape, rng);
  }
}

/** A geometric augmentation: its parameters are per-image output-to-input affine matrices. */
export abstract class AffineAugmentation extends Augmentation {
  readonly kind = 'affine' as const;
  /** Boundary and interpolation settings. */
  abstract readonly fill: Fill;

  paramsPerImage(): number {
    return 6;
  }
}

/** A per-pixel augmentation that runs in place on the batch. */
export abstract class PixelAugmentation extends Augmentation {
  readonly kind = 'pixel' as const;
  /** [lo, hi] that results are clipped to, for kernels that clip. */
  readonly valueRange: readonly [number, number] = [0, 0];

  /** Checks user-given parameters before they reach a kernel; throws naming the problem. */
  checkParams(params: Float32Array, shape: ImageShape): void {
    const per = this.paramsPerImage(shape);
    for (let i = 0; i < params.length; i++) {
      if (!Number.isFinite(params[i]!)) {
        throw new ValueError(`${this.name}.apply: parameter ${i % per} of image ${Math.floor(i / per)} is ${params[i]}; expected a finite number`);
      }
    }
  }

  /** Runs the kernel in place: x (the batch), params and geometry struct already in wasm memory. */
  abstract run(x: number, shape: ImageShape, params: number, geometry: number): void;
}

/** Throws unless `shape` is [n, h, w, c] of positive integers (n may be 0). */
export function checkImageShape(shape: readonly number[], who: string): ImageShape {
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d, i) => Number.isSafeInteger(d) && d >= (i === 0 ? 0 : 1))) {
    throw new ShapeError(`${who}: expected an NHWC batch shape [n, height, width, channels] of positive integers, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
  return shape as unknown as ImageShape;
}

type Stage =
  | { kind: 'affine'; ops: AffineAugmentation[]; first: number; inShape: ImageShape; outShape: ImageShape }
  | { kind: 'pixel'; op: PixelAugmentation; index: number; shape: ImageShape };

/** Where the executor works: byte offsets in wasm memory. */
interface Workspace {
  geometry: number;
  params: number;
  spares: [number, number];
}

interface Plan {
  stages: Stage[];
  shapes: ImageShape[]; // input shape of op k (and the final output shape last)
  maxImageFloats: number;
  maxParamFloats: number;
}

/** Stage list for an input shape: consecutive affine ops with equal fills share one stage. */
function makePlan(ops: readonly Augmentation[], shape: ImageShape): Plan {
  // A copy: callers (fit) reuse and mutate their shape array, and plans are cached.
  const shapes: ImageShape[] = [[shape[0], shape[1], shape[2], shape[3]]];
  const stages: Stage[] = [];
  let maxImageFloats = size(shapes[0]!);
  let maxParamFloats = shape[0] * 6;
  ops.forEach((op, k) => {
    const inShape = shapes[k]!;
    const outShape = op.outputShape(inShape);
    shapes.push(outShape);
    maxImageFloats = Math.max(maxImageFloats, size(outShape));
    maxParamFloats = Math.max(maxParamFloats, inShape[0] * op.paramsPerImage(inShape));
    const last = stages[stages.length - 1];
    if (op instanceof AffineAugmentation) {
      if (last?.kind === 'affine' && sameFill(last.ops[0]!.fill, op.fill)) {
        last.ops.push(op);
        last.outShape = outShape;
      } else {
        stages.push({ kind: 'affine', ops: [op], first: k, inShape, outShape });
      }
    } else if (op instanceof PixelAugmentation) {
      stages.push({ kind: 'pixel', op, index: k, shape: inShape });
    } else {
      throw new ValueError(`augment: ${String((op as { name?: string })?.name ?? op)} is not an augmentation`);
    }
  });
  return { stages, shapes, maxImageFloats, maxParamFloats };
}

function size(s: ImageShape): number {
  return s[0] * s[1] * s[2] * s[3];
}

/** p_in = M(P(p_out)): composes two 2x3 affine maps (f64), writing into m at offset o. */
function composeInto(m: Float64Array, p: Float32Array, o: number): void {
  const m0 = m[0]!, m1 = m[1]!, m2 = m[2]!, m3 = m[3]!, m4 = m[4]!, m5 = m[5]!;
  const p0 = p[o]!, p1 = p[o + 1]!, p2 = p[o + 2]!, p3 = p[o + 3]!, p4 = p[o + 4]!, p5 = p[o + 5]!;
  m[0] = m0 * p0 + m1 * p3;
  m[1] = m0 * p1 + m1 * p4;
  m[2] = m0 * p2 + m1 * p5 + m2;
  m[3] = m3 * p0 + m4 * p3;
  m[4] = m3 * p1 + m4 * p4;
  m[5] = m3 * p2 + m4 * p5 + m5;
}

const IDENTITY = [1, 0, 0, 0, 1, 0];
const scratchMatrix = new Float64Array(6);

/**
 * Runs the plan on the batch at `ptr` (room for `ptrFloats` floats) with per-op parameters.
 * Returns the byte offset holding the result (ptr or one of the spares).
 */
function execute(plan: Plan, params: readonly Float32Array[], ptr: number, ptrFloats: number, ws: Workspace): number {
  let current = ptr;
  for (let st = 0; st < plan.stages.length; st++) {
    const stage = plan.stages[st]!;
    if (stage.kind === 'pixel') {
      f32().set(params[stage.index]!, ws.params >>> 2);
      writeGeometry(ws.geometry, stage.shape, stage.shape, undefined, stage.op.valueRange);
      stage.op.run(current, stage.shape, ws.params, ws.geometry);
      continue;
    }
    const n = stage.inShape[0];
    // The composed matrices go straight into the parameter buffer (no JS copy, no subarray).
    const composed = f32();
    const base = ws.params >>> 2;
    for (let i = 0; i < n; i++) {
      scratchMatrix.set(IDENTITY);
      for (let j = 0; j < stage.ops.length; j++) composeInto(scratchMatrix, params[stage.first + j]!, i * 6);
      for (let e = 0; e < 6; e++) {
        const v = scratchMatrix[e]!;
        if (!(Math.abs(v) <= MATRIX_LIMIT)) {
          const names = stage.ops.map((op) => op.name).join(' + ');
          throw new ValueError(`${names}: matrix entry ${e} of image ${i} is ${v}; expected finite values within +-${MATRIX_LIMIT}`);
        }
        composed[base + i * 6 + e] = v;
      }
    }
    const outFloats = size(stage.outShape);
    const dst = current !== ptr && outFloats <= ptrFloats ? ptr : current === ws.spares[0] ? ws.spares[1] : ws.spares[0];
    writeGeometry(ws.geometry, stage.inShape, stage.outShape, stage.ops[0]!.fill);
    affineWarp(dst, current, ws.params, ws.geometry);
    current = dst;
  }
  return current;
}

/** The plan and parameter views of one batch size within an in-place state. */
interface SizedPlan {
  plan: Plan;
  params: Float32Array[];
}

/**
 * Wasm buffers of a pipeline's in-place path for one image size [h, w, c] and batches of up to
 * `capacity` images; plans for each batch size seen (a full batch, the last smaller one) are
 * kept, so alternating sizes allocate nothing.
 */
interface InPlaceState {
  heap: Heap;
  /** The image size [h, w, c] the buffers were made for. */
  height: number;
  width: number;
  channels: number;
  capacity: number;
  blocks: number[];
  ws: Workspace;
  /** Parameter arrays for `capacity` images; sized plans use prefixes of them. */
  params: Float32Array[];
  sized: Map<number, SizedPlan>;
}

/** Sized plans kept per state; more distinct batch sizes than this start the cache afresh. */
const MAX_SIZED_PLANS = 8;

/**
 * A sequence of augmentations applied in order (`augment.sequence([...])`). Consecutive
 * geometric steps with the same fill settings are composed into one warp per image.
 */
export class Pipeline {
  readonly ops: readonly Augmentation[];
  private state: InPlaceState | undefined;
  private releaseToken: object | undefined;

  constructor(ops: readonly Augmentation[]) {
    if (!Array.isArray(ops)) throw new ValueError(`augment.sequence: expected an array of augmentations, got ${typeof ops}`);
    ops.forEach((op, i) => {
      if (!(op instanceof Augmentation)) throw new ValueError(`augment.sequence: item ${i} is not an augmentation (got ${typeof op})`);
    });
    this.ops = Object.freeze([...ops]);
  }

  /** The output batch shape for an input batch shape. */
  outputShape(shape: readonly number[]): ImageShape {
    let s = checkImageShape(shape, 'augment.sequence');
    for (const op of this.ops) s = op.outputShape(s);
    return s;
  }

  /** Draws every step's parameters for a batch of `shape` (one Float32Array per step). */
  sample(shape: readonly number[], rng: RandomSource): Float32Array[] {
    let s = checkImageShape(shape, 'augment.sequence.sample');
    return this.ops.map((op) => {
      const p = op.sample(s, rng);
      s = op.outputShape(s);
      return p;
    });
  }

  /** Applies the steps with the given parameters (pure). images: [n, h, w, c]. */
  apply(images: Tensor, params: readonly Float32Array[]): Tensor {
    const who = this.ops.length === 1 ? `${this.ops[0]!.name}.apply` : 'augment.sequence.apply';
    const shape = checkImageShape(expectRank(images, 4, who), who);
    const plan = makePlan(this.ops, shape);
    if (!Array.isArray(params) || params.length !== this.ops.length) {
      throw new ValueError(`${who}: expected ${this.ops.length} parameter arrays (one per step), got ${Array.isArray(params) ? params.length : typeof params}`);
    }
    this.ops.forEach((op, k) => {
      const s = plan.shapes[k]!;
      const want = s[0] * op.paramsPerImage(s);
      const p = params[k];
      if (!(p instanceof Float32Array) || p.length !== want) {
        throw new ValueError(`${op.name}.apply: expected ${want} parameters (${op.paramsPerImage(s)} per image) for ${formatShape(s)}, got ${p instanceof Float32Array ? p.length : typeof p}`);
      }
      if (op instanceof PixelAugmentation) op.checkParams(p, s);
    });
    const outShape = plan.shapes[plan.shapes.length - 1]!;
    return withScratch((alloc) => {
      const ptr = alloc(plan.maxImageFloats * 4);
      f32().set(images.data, ptr >>> 2);
      const ws: Workspace = {
        geometry: alloc(GEOMETRY_BYTES),
        params: alloc(plan.maxParamFloats * 4),
        spares: [alloc(plan.maxImageFloats * 4), alloc(plan.maxImageFloats * 4)],
      };
      const at = execute(plan, params, ptr, plan.maxImageFloats, ws);
      return new Tensor(readF32(at, size(outShape)), outShape);
    }, 'augment.apply');
  }

  /**
   * Augments a batch already in wasm memory, in place: draws parameters from `rng` and writes
   * the result over the input at `ptr`. The steps must keep the batch shape (a crop needs
   * `padding` or a resize). Buffers (parameters, geometry, two image-sized spares) are allocated
   * on the first call for an image size and reused for every batch of up to that many images
   * (a smaller last batch included), so steady-state calls allocate nothing. This is what
   * `fit({ augment })` calls for each training batch.
   */
  applyInPlacePtr(ptr: number, shape: readonly number[], rng: RandomSource): void {
    const s = checkImageShape(shape, 'augment.applyInPlacePtr');
    if (!Number.isInteger(ptr) || ptr <= 0 || ptr % 4 !== 0 || ptr + size(s) * 4 > memoryBytes()) {
      throw new ValueError(`augment.applyInPlacePtr: ${ptr} is not a valid f32 buffer of ${size(s)} floats in wasm memory`);
    }
    const { plan, params } = this.sizedPlan(s);
    for (let k = 0; k < this.ops.length; k++) this.ops[k]!.sampleInto(plan.shapes[k]!, rng, params[k]!);
    const at = execute(plan, params, ptr, size(s), this.state!.ws);
    if (at !== ptr) copy(ptr, at, size(s));
  }

  /** The plan for shape `s`, (re)allocating the buffers when the image size or capacity changes. */
  private sizedPlan(s: ImageShape): SizedPlan {
    const h = heap();
    let state = this.state;
    if (state === undefined || state.heap !== h || state.height !== s[1] || state.width !== s[2] || state.channels !== s[3] || state.capacity < s[0]) {
      state = this.allocate(s, h);
    }
    let sized = state.sized.get(s[0]);
    if (sized === undefined) {
      const plan = makePlan(this.ops, s);
      sized = { plan, params: this.ops.map((op, k) => state.params[k]!.subarray(0, s[0] * op.paramsPerImage(plan.shapes[k]!))) };
      if (state.sized.size >= MAX_SIZED_PLANS) state.sized.clear();
      state.sized.set(s[0], sized);
    }
    return sized;
  }

  private allocate(s: ImageShape, h: Heap): InPlaceState {
    if (this.state !== undefined && this.state.heap === h) {
      for (const b of this.state.blocks) h.free(b);
      if (this.releaseToken) cancelRelease(this.releaseToken);
    }
    this.state = undefined;
    const plan = makePlan(this.ops, s);
    const out = plan.shapes[plan.shapes.length - 1]!;
    if (out.join('x') !== s.join('x')) {
      throw new ShapeError(`augment.applyInPlacePtr: the steps change the batch shape from ${formatShape(s)} to ${formatShape(out)}; in-place augmentation must keep it (give randomCrop a padding, or use augment.apply)`);
    }
    const blocks = [GEOMETRY_BYTES, plan.maxParamFloats * 4, plan.maxImageFloats * 4, plan.maxImageFloats * 4].map((b) => h.alloc(b));
    this.state = {
      heap: h,
      height: s[1],
      width: s[2],
      channels: s[3],
      capacity: s[0],
      blocks,
      ws: { geometry: blocks[0]!, params: blocks[1]!, spares: [blocks[2]!, blocks[3]!] },
      params: this.ops.map((op, k) => new Float32Array(s[0] * op.paramsPerImage(plan.shapes[k]!))),
      sized: new Map([[s[0], { plan, params: [] }]]),
    };
    this.state.sized.get(s[0])!.params = this.state.params;
    this.releaseToken = releaseOnCollect(this, blocks);
    return this.state;
  }
}
