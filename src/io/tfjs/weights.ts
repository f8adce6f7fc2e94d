// TF.js weight manifests and binary weight data: float32 out; float32, int32 and quantized
// (uint8 / uint16 affine, float16) in. Every spec is checked against the bytes before any is read.
import { formatError } from './values.js';

/** Dequantisation of one weight (TF.js's `quantization` entry). */
export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

/** One weight of a TF.js manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: TfjsQuantization;
}

/** One group of a TF.js `weightsManifest`: its shard files and the weights they hold, in order. */
export interface TfjsWeightsGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** A weight ready for a layer: values and shape. */
export interface DecodedWeight {
  shape: number[];
  data: Float32Array;
}

/** TF.js writes shards of 4 MiB. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Concatenates the weights as little-endian float32 and describes them in one manifest group. */
export function encodeWeights(weights: ReadonlyArray<{ name: string; shape: readonly number[]; data: Float32Array }>, shardBytes: number): { weightsManifest: TfjsWeightsGroup[]; weightData: ArrayBuffer } {
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const weightData = new ArrayBuffer(total * 4);
  const view = new DataView(weightData);
  let at = 0;
  for (const w of weights) for (let i = 0; i < w.data.length; i++, at += 4) view.setFloat32(at, w.data[i]!, true);
  const shards = Math.max(1, Math.ceil(weightData.byteLength / shardBytes));
  const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  return { weightsManifest: [{ paths, weights: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' })) }], weightData };
}

/** The bytes of `weightData` in whatever form TF.js or a file read gives it. */
export function weightBytes(data: unknown, who: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) {
    const parts = data.map((d, i) => (d instanceof ArrayBuffer || ArrayBuffer.isView(d) ? weightBytes(d, who) : formatError(who, `weightData[${i}] is not an ArrayBuffer or typed array`)));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  return formatError(who, `weightData must be an ArrayBuffer, a typed array or a list of them (one per shard), got ${data === null ? 'null' : typeof data}`);
}

function bytesPerValue(spec: TfjsWeightSpec, at: string): number {
  if (spec.quantization !== undefined) {
    const q = spec.quantization as unknown as Record<string, unknown> | null;
    if (q === null || typeof q !== 'object') formatError(at, 'quantization must be an object');
    if (q.dtype === 'uint8') return 1;
    if (q.dtype === 'uint16' || q.dtype === 'float16') return 2;
    return formatError(at, `unknown quantization dtype ${JSON.stringify(q.dtype)} (expected uint8, uint16 or float16)`);
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  return formatError(at, `unknown dtype ${JSON.stringify(spec.dtype)} (expected float32 or int32)`);
}

/** IEEE half -> float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function readValues(view: DataView, offset: number, n: number, spec: TfjsWeightSpec, at: string): Float32Array {
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (q === undefined) {
    for (let i = 0; i < n; i++) out[i] = spec.dtype === 'int32' ? view.getInt32(offset + i * 4, true) : view.getFloat32(offset + i * 4, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(offset + i * 2, true));
  } else {
    if (typeof q.scale !== 'number' || typeof q.min !== 'number') formatError(at, `${q.dtype} quantization needs numeric scale and min, got ${JSON.stringify(q)}`);
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + i * 2, true)) * q.scale + q.min;
  }
  return out;
}

/** Checks every spec, checks the byte count, then decodes each weight by name. */
export function decodeWeights(specs: unknown, bytes: Uint8Array, who: string): Map<string, DecodedWeight> {
  if (!Array.isArray(specs)) formatError(who, `the weight specs must be a list, got ${specs === null ? 'null' : typeof specs}`);
  const sizes = specs.map((s: unknown, i: number) => {
    const spec = s as Partial<TfjsWeightSpec> | null;
    const at = `${who}: weight ${i}${typeof spec?.name === 'string' ? ` (${spec.name})` : ''}`;
    if (spec === null || typeof spec !== 'object') formatError(at, 'is not an object { name, shape, dtype }');
    if (typeof spec.name !== 'string' || spec.name === '') formatError(at, 'has no name');
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) formatError(at, `has shape ${JSON.stringify(spec.shape)} (expected a list of non-negative integers)`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    return { spec: spec as TfjsWeightSpec, count, bytes: count * bytesPerValue(spec as TfjsWeightSpec, at), at };
  });
  const expected = sizes.reduce((n, s) => n + s.bytes, 0);
  if (expected !== bytes.length) formatError(who, `the weight data has ${bytes.length} bytes but the manifest describes ${expected} (truncated or wrong .bin files?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, DecodedWeight>();
  let offset = 0;
  for (const { spec, count, bytes: n, at } of sizes) {
    if (out.has(spec.name)) formatError(at, 'appears twice in the manifest');
    out.set(spec.name, { shape: [...spec.shape], data: readValues(view, offset, count, spec, at) });
    offset += n;
  }
  return out;
}
