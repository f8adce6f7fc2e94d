// The ONNX graph under construction: nodes, initializers and unique names, plus the one
// layout decision of the exporter. tensorlane is NHWC; ONNX's Conv, pooling and
// BatchNormalization are NCHW. Rather than wrapping every convolution in two transposes, each
// image value remembers whether it is stored NCHW, elementwise ops keep the layout they get, and
// a Transpose is emitted (once per value) only where a consumer needs the other layout, so a
// conv -> batchNorm -> relu -> pool chain runs NCHW and turns back to NHWC before flatten.
import { ValueError } from '../../core/errors.js';
import type { Layer } from '../../layers/layer.js';
import type { Tensor } from '../../core/tensor.js';
import { AttributeType, DataType } from './schema.js';

/** A value of the graph: its name, the per-sample shape in tensorlane's order, and its storage layout. */
export interface Value {
  readonly name: string;
  /** Per-sample shape (no batch axis) in tensorlane's order: [h, w, c] for images. */
  readonly shape: readonly number[];
  /** True when the image is stored NCHW (only for per-sample rank 3). */
  readonly nchw: boolean;
}

/** An attribute: integers are INT, integer lists INTS, strings STRING; `{ f }`, `{ floats }` and `{ strings }` mark the others. */
export type Attr = number | readonly number[] | string | { f: number } | { floats: readonly number[] } | { strings: readonly string[] };

/** A float attribute value (a plain number is an INT). */
export const float = (f: number): { f: number } => ({ f });

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A float array in ONNX's raw_data layout (little-endian f32). */
function rawFloats(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function rawInt64(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

function attribute(name: string, a: Attr): Record<string, unknown> {
  if (typeof a === 'number') {
    if (!Number.isInteger(a)) throw new ValueError(`io.toOnnx: attribute ${name} = ${a} is not an integer (floats are written float(x))`);
    return { name, type: AttributeType.INT, i: a };
  }
  if (typeof a === 'string') return { name, type: AttributeType.STRING, s: utf8(a) };
  if (Array.isArray(a)) return { name, type: AttributeType.INTS, ints: a };
  if ('f' in a) return { name, type: AttributeType.FLOAT, f: a.f };
  if ('floats' in a) return { name, type: AttributeType.FLOATS, floats: a.floats };
  return { name, type: AttributeType.STRINGS, strings: (a as { strings: readonly string[] }).strings.map(utf8) };
}

/** Permutes the axes of a row-major array: out axis i is in axis perm[i] (as numpy's transpose). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1]! * shape[i + 1]!;
  const strides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i]! * strides[i]!;
    out[o] = data[src]!;
    for (let i = rank - 1; i >= 0 && ++index[i]! === outShape[i]!; i--) index[i] = 0;
  }
  return out;
}

/** Nodes, initializers and names of the graph being exported, in the shape protobufjs encodes. */
export class OnnxGraph {
  readonly nodes: Array<Record<string, unknown>> = [];
  readonly initializers: Array<Record<string, unknown>> = [];
  private readonly used = new Set<string>();
  /** Value name -> the same value in the other layout (one Transpose per value). */
  private readonly relayout = new Map<string, string>();
  /** Weight name asked for -> initializer name. */
  private readonly weights = new Map<string, string>();

  /** A name not used yet, `base` or `base_1`, `base_2`, ... */
  name(base: string): string {
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node named after `base`; returns its `outputs` output names ('' for an unused optional output). */
  op(opType: string, inputs: readonly string[], base: string, attrs: Record<string, Attr> = {}, outputs: ReadonlyArray<string | false> = ['']): string[] {
    const name = this.name(`${base}/${opType}`);
    const output = outputs.map((o, i) => (o === false ? '' : this.name(outputs.length === 1 ? name : `${name}:${o || i}`)));
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, opType, input: [...inputs], output, attribute: attribute_ });
    return output;
  }

  /** A node with one output; returns its name. */
  node(opType: string, inputs: readonly string[], base: string, attrs: Record<string, Attr> = {}): string {
    return this.op(opType, inputs, base, attrs)[0]!;
  }

  /** A float initializer; a second call with the same name (a layer called twice) reuses the first. */
  floats(name: string, dims: readonly number[], data: Float32Array): string {
    const known = this.weights.get(name);
    if (known !== undefined) return known;
    const n = this.name(name);
    this.weights.set(name, n);
    this.initializers.push({ name: n, dims: [...dims], dataType: DataType.FLOAT, rawData: rawFloats(data) });
    return n;
  }

  /** A 1-D int64 constant (shapes, axes, pads), shared by every node that needs the same values. */
  ints(values: readonly number[]): string {
    const key = `const/int64[${values.join(',')}]`;
    if (!this.used.has(key)) {
      this.used.add(key);
      this.initializers.push({ name: key, dims: [values.length], dataType: DataType.INT64, rawData: rawInt64(values) });
    }
    return key;
  }

  /** A float scalar constant, shared by value. */
  scalar(v: number): string {
    const key = `const/float(${v})`;
    if (!this.used.has(key)) {
      this.used.add(key);
      this.initializers.push({ name: key, dims: [], dataType: DataType.FLOAT, rawData: rawFloats(Float32Array.of(v)) });
    }
    return key;
  }

  /** The name of `v` stored NHWC (tensorlane's order). */
  nhwc(v: Value): string {
    return v.nchw ? this.transposed(v, NCHW_TO_NHWC) : v.name;
  }

  /** The name of the image `v` stored NCHW (what Conv, pooling and BatchNormalization read). */
  nchw(v: Value): string {
    if (v.shape.length !== 3) throw new ValueError(`io.toOnnx: ${v.name} [*, ${v.shape.join(', ')}] is not an image; NCHW applies to [batch, height, width, channels] only`);
    return v.nchw ? v.name : this.transposed(v, NHWC_TO_NCHW);
  }

  private transposed(v: Value, perm: readonly number[]): string {
    let t = this.relayout.get(v.name);
    if (t === undefined) {
      t = this.node('Transpose', [v.name], v.name, { perm });
      this.relayout.set(v.name, t);
    }
    return t;
  }
}

/** What a layer converter sees: the graph, the layer, its config and weights (by Keras name), its inputs and per-sample output shape. */
export interface LayerCall {
  readonly g: OnnxGraph;
  readonly layer: Layer;
  readonly config: Record<string, unknown>;
  readonly w: Readonly<Record<string, Tensor>>;
  readonly inputs: readonly Value[];
  readonly out: readonly number[];
}

/** The initializer of a layer weight, optionally converted (new dims and data): `<layer>/<weight>`. */
export function weight(c: LayerCall, key: string, dims?: readonly number[], data?: Float32Array): string {
  const t = c.w[key]!;
  return c.g.floats(`${c.layer.name}/${key}`, dims ?? t.shape, data ?? t.data);
}
