// The saved-model format. Layout (little-endian):
//   0  magic "TLNM" (4 bytes)
//   4  format version (u32) = 1
//   8  header length in bytes (u32)
//  12  header: UTF-8 JSON { model: config, weights: [{ name, shape, offset }], optimizer? }
//      then zero padding to a multiple of 4
//   .. payload: every weight (and optimizer slot) as f32, at the offsets (in floats) the header gives
//  end CRC-32 (u32) of every byte before it
import { crc32 } from '../core/crc32.js';
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { OptimizerState } from '../optimizers/optimizer.js';

/** The first four bytes of every saved model: "TLNM". */
export const MAGIC = [0x54, 0x4c, 0x4e, 0x4d];
/** The format version this build writes and the only one it reads. */
export const FORMAT_VERSION = 1;

/** Thrown for bytes that are not a valid saved model. */
export class ModelFormatError extends ValueError {
  override name = 'ModelFormatError';
}

/** What a saved model holds once decoded. */
export interface SavedModel {
  model: Record<string, unknown>;
  weights: Tensor[];
  weightNames: string[];
  optimizer?: OptimizerState;
}

/** Entry of the header's weight list. */
interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
}

/** What `saveModel` needs from a model (kept structural so this file does not import the model). */
export interface Saveable {
  toConfig(): Record<string, unknown>;
  readonly layers: ReadonlyArray<{ name: string; weights: ReadonlyArray<{ name: string }>; getWeights(): Tensor[] }>;
  readonly optimizer: { getState(): OptimizerState } | undefined;
  prepareOptimizer(): void;
}

/** Converts config values to JSON-friendly data: initializers, regularizers and the like become `{ name, config }`. */
export function serializeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(serializeValue);
  const v = value as { name?: unknown; getConfig?: () => Record<string, unknown> };
  if (typeof v.getConfig === 'function' && typeof v.name === 'string') return { name: v.name, config: serializeValue(v.getConfig()) };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) if (x !== undefined) out[k] = serializeValue(x);
  return out;
}

/** Encodes a model (architecture, weights, and optionally optimizer state) as bytes. */
export function saveModel(model: Saveable, options: { includeOptimizer?: boolean } = {}): Uint8Array {
  const tensors: Array<{ name: string; data: Float32Array; shape: readonly number[] }> = [];
  for (const layer of model.layers) {
    const values = layer.getWeights();
    layer.weights.forEach((w, i) => tensors.push({ name: `${layer.name}/${w.name}`, data: values[i]!.data, shape: values[i]!.shape }));
  }
  let optimizerHeader: unknown;
  const optimizerTensors: Array<{ name: string; data: Float32Array; shape: readonly number[] }> = [];
  if ((options.includeOptimizer ?? true) && model.optimizer !== undefined) {
    model.prepareOptimizer();
    const state = model.optimizer.getState();
    const slots: Array<{ param: string; slot: string }> = [];
    for (const [param, byName] of Object.entries(state.slots)) {
      for (const [slot, data] of Object.entries(byName)) {
        slots.push({ param, slot });
        optimizerTensors.push({ name: `${param}:${slot}`, data, shape: [data.length] });
      }
    }
    optimizerHeader = { iterations: state.iterations, slots };
  }
  const all = [...tensors, ...optimizerTensors];
  let offset = 0;
  const entries: TensorEntry[] = all.map((t) => {
    const e = { name: t.name, shape: [...t.shape], offset };
    offset += t.data.length;
    return e;
  });
  const header = new TextEncoder().encode(
    JSON.stringify({
      model: serializeValue(model.toConfig()),
      weights: entries.slice(0, tensors.length),
      optimizer: optimizerHeader === undefined ? undefined : { ...(optimizerHeader as object), tensors: entries.slice(tensors.length) },
      floats: offset,
    }),
  );
  const headerPadded = Math.ceil(header.length / 4) * 4;
  const payloadStart = 12 + headerPadded;
  const total = payloadStart + offset * 4 + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = payloadStart;
  for (const t of all) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)), true);
  return bytes;
}

/** Decodes and verifies bytes from `saveModel`; throws ModelFormatError for anything else. */
export function decodeModel(bytes: Uint8Array): { header: Record<string, unknown>; floats: Float32Array } {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError(`io.load: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 16) throw new ModelFormatError(`io.load: ${bytes.length} bytes is too short to be a tensorlane model (truncated?)`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new ModelFormatError('io.load: these bytes are not a tensorlane model (bad magic number; expected "TLNM")');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new ModelFormatError(`io.load: format version ${version} is not supported (this build reads version ${FORMAT_VERSION})`);
  const headerLength = view.getUint32(8, true);
  const payloadStart = 12 + Math.ceil(headerLength / 4) * 4;
  if (payloadStart + 4 > bytes.length) throw new ModelFormatError(`io.load: truncated: the header says ${headerLength} bytes but only ${bytes.length} bytes were given`);
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw new ModelFormatError(`io.load: checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the bytes are corrupt or truncated`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength))) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFormatError(`io.load: the header is not valid JSON: ${(err as Error).message}`);
  }
  const floatCount = (bytes.length - 4 - payloadStart) / 4;
  if (!Number.isInteger(floatCount) || header.floats !== floatCount) {
    throw new ModelFormatError(`io.load: the payload holds ${floatCount} floats but the header describes ${String(header.floats)}`);
  }
  const floats = new Float32Array(floatCount);
  for (let i = 0; i < floatCount; i++) floats[i] = view.getFloat32(payloadStart + i * 4, true);
  return { header, floats };
}
