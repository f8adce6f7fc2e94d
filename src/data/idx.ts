// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// number (0, 0, type code, rank), `rank` big-endian u32 dimensions, then the values, row-major
// and big-endian. Files may be gzipped; gzip is detected by its magic bytes, not the file name.
import { ValueError, formatShape } from '../core/errors.js';
import { gunzip, isGzip } from './gzip.js';

/** Element types of the IDX format, by type code. */
/** The element type of an IDX file. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const IDX_TYPES: Readonly<Record<number, { readonly dtype: IdxDtype; readonly bytes: number }>> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/** A decoded IDX file: its element type, dimensions and values (native byte order). */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Decodes an IDX file, gzipped or not. `name` (a file name) is used in error messages.
 * Throws a ValueError for a bad magic number, a truncated header or body, trailing bytes
 * (the dimensions do not match the size) or a corrupt/truncated gzip stream.
 */
export async function readIdx(bytes: Uint8Array | ArrayBuffer, name = 'IDX data'): Promise<IdxArray> {
  const raw = toBytes(bytes, name);
  return parseIdx(isGzip(raw) ? await gunzip(raw, `readIdx(${name})`) : raw, name);
}

/** Decodes an uncompressed IDX file synchronously (see `readIdx`). */
export function parseIdx(bytes: Uint8Array | ArrayBuffer, name = 'IDX data'): IdxArray {
  const raw = toBytes(bytes, name);
  const who = `readIdx(${name})`;
  if (raw.length < 4) throw new ValueError(`${who}: expected at least a 4-byte IDX header, got ${raw.length} bytes`);
  const code = raw[2]!;
  const rank = raw[3]!;
  const type = IDX_TYPES[code as keyof typeof IDX_TYPES];
  if (raw[0] !== 0 || raw[1] !== 0 || type === undefined || rank === 0) {
    const magic = [...raw.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ValueError(
      `${who}: bad magic number ${magic}; expected 00 00 <type 08|09|0b|0c|0d|0e> <rank >= 1> (is this an IDX file?)`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new ValueError(`${who}: truncated header: rank ${rank} needs ${headerBytes} bytes, got ${raw.length}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    count *= dim;
  }
  const want = headerBytes + count * type.bytes;
  if (raw.length < want) {
    throw new ValueError(
      `${who}: truncated: shape ${formatShape(shape)} of ${type.dtype} needs ${want} bytes, got ${raw.length}`,
    );
  }
  if (raw.length > want) {
    throw new ValueError(
      `${who}: wrong counts: shape ${formatShape(shape)} of ${type.dtype} needs ${want} bytes, but the file has ${raw.length - want} more`,
    );
  }
  return { dtype: type.dtype, shape, data: decode(view, headerBytes, count, code) };
}

function decode(view: DataView, at: number, n: number, code: number): IdxArray['data'] {
  switch (code) {
    case 0x08:
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + n));
    case 0x09:
      return new Int8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + n));
    case 0x0b:
      return Int16Array.from({ length: n }, (_, i) => view.getInt16(at + 2 * i, false));
    case 0x0c:
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(at + 4 * i, false));
    case 0x0d:
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(at + 4 * i, false));
    default:
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(at + 8 * i, false));
  }
}

/** Accepts a Uint8Array (any view, incl. Node's Buffer) or an ArrayBuffer. */
export function toBytes(bytes: unknown, who: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ValueError(`${who}: expected a Uint8Array or ArrayBuffer of file bytes, got ${bytes === null ? 'null' : typeof bytes}`);
}
