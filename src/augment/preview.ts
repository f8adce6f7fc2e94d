// Grid previews of image batches as PNG (encoded here with stored deflate blocks: no zlib) or
// as an SVG that embeds that PNG. For looking at what an augmentation pipeline does.
import { ValueError } from '../core/errors.js';
import { Tensor, expectRank } from '../core/tensor.js';
import { crc32 } from '../core/crc32.js';
import { interval, positiveInt } from './factors.js';

/** Options of `previewPng` and `previewSvg`. */
export interface PreviewOptions {
  /** Images per row (default: ceil(sqrt(n))). */
  columns?: number;
  /** Integer upscaling of every pixel (default 2). */
  scale?: number;
  /** Pixels of background between images (default 2). */
  gap?: number;
  /** The value range mapped to black..white (default [0, 1]); values outside are clipped. */
  valueRange?: readonly [number, number];
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i += 5552) {
    const end = Math.min(bytes.length, i + 5552);
    for (let j = i; j < end; j++) {
      a += bytes[j]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let k = 0; k < blocks; k++) {
    const chunk = data.subarray(k * 65535, Math.min(data.length, (k + 1) * 65535));
    out[o] = k === blocks - 1 ? 1 : 0;
    out[o + 1] = chunk.length & 0xff;
    out[o + 2] = chunk.length >>> 8;
    out[o + 3] = ~chunk.length & 0xff;
    out[o + 4] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, o + 5);
    o += 5 + chunk.length;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes 8-bit pixels (grey: 1 channel, RGB: 3, RGBA: 4) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const stride = width * channels;
  if (pixels.length !== stride * height) throw new ValueError(`encodePng: expected ${stride * height} bytes for ${width}x${height}x${channels}, got ${pixels.length}`);
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8;
  header[9] = colorType;
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A grid of the images of an NHWC batch as PNG bytes: 1 channel -> grey, 3 -> RGB, 4 -> RGBA,
 * other channel counts show their first channel.
 */
export function previewPng(images: Tensor, options: PreviewOptions = {}): Uint8Array {
  const who = 'augment.previewPng';
  const [n, h, w, c] = expectRank(images, 4, who) as [number, number, number, number];
  if (n === 0) throw new ValueError(`${who}: expected at least one image, got an empty batch`);
  const columns = positiveInt(options.columns ?? Math.ceil(Math.sqrt(n)), who, 'columns');
  const scale = positiveInt(options.scale ?? 2, who, 'scale');
  const gap = options.gap ?? 2;
  if (!Number.isSafeInteger(gap) || gap < 0) throw new ValueError(`${who}: gap must be an integer >= 0, got ${gap}`);
  const [lo, hi] = interval(options.valueRange ?? [0, 1], who, 'valueRange', -Infinity, Infinity);
  const channels = c === 3 || c === 4 ? c : 1;
  const rows = Math.ceil(n / columns);
  const width = columns * w * scale + (columns + 1) * gap;
  const height = rows * h * scale + (rows + 1) * gap;
  const pixels = new Uint8Array(width * height * channels).fill(64);
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < n; i++) {
    const x0 = gap + (i % columns) * (w * scale + gap);
    const y0 = gap + Math.floor(i / columns) * (h * scale + gap);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * channels;
        for (let k = 0; k < channels; k++) {
          const v = (images.data[src + k]! - lo) / span;
          pixels[dst + k] = Math.round(255 * Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)));
        }
      }
    }
  }
  return encodePng(pixels, width, height, channels as 1 | 3 | 4);
}

/** The same grid as an SVG document embedding the PNG (pixelated scaling). */
export function previewSvg(images: Tensor, options: PreviewOptions = {}): string {
  const png = previewPng(images, options);
  const view = new DataView(png.buffer, png.byteOffset);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  let binary = '';
  for (let i = 0; i < png.length; i += 8192) binary += String.fromCharCode(...png.subarray(i, i + 8192));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<image width="${width}" height="${height}" style="image-rendering:pixelated" href="data:image/png;base64,${btoa(binary)}"/></svg>\n`;
}
