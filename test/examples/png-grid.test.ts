// examples/shared/png-grid.ts: the grid layout, the value mapping, the label font, and PNG bytes
// that two decoders (fast-png's and a minimal one on node:zlib written here) read back to the
// very pixels that were laid out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { decode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import { FONT_CHARACTERS, concatImages, pngGrid, renderGrid, textWidth, writePngGrid, type ImageBatch } from '../../examples/shared/png-grid.js';

/** A second decoder: chunks with their CRCs checked, IDAT inflated by node:zlib, the five PNG row filters undone. */
function decodeMinimal(png: Uint8Array): { width: number; height: number; channels: number; data: Uint8Array } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect([...png.subarray(0, 8)]).toEqual(signature);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  for (let o = 8; o < png.length; ) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + length);
    expect(view.getUint32(o + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(o + 4, o + 8 + length)));
    if (type === 'IHDR') {
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      expect(body[8], 'bit depth').toBe(8);
      channels = { 0: 1, 2: 3 }[body[9]!] ?? 0;
      expect(body[12], 'interlace').toBe(0);
    } else if (type === 'IDAT') idat.push(body);
    o += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      expect(predictor, `row ${y} filter type`).toBeDefined();
      data[y * stride + x] = (raw[y * (stride + 1) + 1 + x]! + predictor!) & 255;
    }
  }
  return { width, height, channels, data };
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** n images of h x w x c with values spread over [-0.2, 1.2] (so clipping is exercised) from an integer hash. */
function batch(n: number, h: number, w: number, c: number): ImageBatch {
  const data = new Float32Array(n * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000 * 1.4 - 0.2;
  return { shape: [n, h, w, c], data };
}

describe('renderGrid', () => {
  test('places image i at row floor(i / columns), column i % columns, upscaled, with gaps of background', () => {
    const images = batch(5, 3, 4, 1);
    const grid = renderGrid(images, { columns: 2, scale: 3, gap: 1, background: 7 });
    expect([grid.width, grid.height, grid.channels]).toEqual([2 * 4 * 3 + 3, 3 * 3 * 3 + 4, 1]);
    for (let i = 0; i < 5; i++) {
      const x0 = 1 + (i % 2) * 13;
      const y0 = 1 + Math.floor(i / 2) * 10;
      for (let y = 0; y < 9; y++) {
        for (let x = 0; x < 12; x++) {
          const v = images.data[(i * 3 + Math.floor(y / 3)) * 4 + Math.floor(x / 3)]!;
          const want = Math.round(255 * Math.min(1, Math.max(0, v)));
          expect(grid.data[(y0 + y) * grid.width + x0 + x], `image ${i} pixel (${y}, ${x})`).toBe(want);
        }
      }
    }
    expect(grid.data[0]).toBe(7); // corner gap
    expect(grid.data[(1 + 2 * 10) * grid.width + 14]).toBe(7); // the empty sixth cell
  });

  test('maps valueRange to 0..255, clips outside it, draws NaN black; auto uses the finite min..max', () => {
    const images = { shape: [1, 1, 5, 1], data: new Float32Array([-1, 0, 0.5, 3, Number.NaN]) };
    expect([...renderGrid(images, { valueRange: [-1, 1], scale: 1, gap: 0 }).data]).toEqual([0, 128, 191, 255, 0]);
    const auto = { shape: [1, 1, 4, 1], data: new Float32Array([2, 4, 6, Number.POSITIVE_INFINITY]) };
    expect([...renderGrid(auto, { valueRange: 'auto', scale: 1, gap: 0 }).data]).toEqual([0, 128, 255, 255]);
  });

  test('keeps RGB channels in order', () => {
    const images = { shape: [1, 1, 2, 3], data: new Float32Array([1, 0, 0, 0, 0.5, 1]) };
    const grid = renderGrid(images, { scale: 1, gap: 0 });
    expect(grid.channels).toBe(3);
    expect([...grid.data]).toEqual([255, 0, 0, 0, 128, 255]);
  });

  test('draws labels under each image and row labels at the left in the 3x5 font', () => {
    const images = { shape: [2, 4, 4, 1], data: new Float32Array(32) };
    const plain = renderGrid(images, { columns: 2, scale: 2, gap: 2 });
    const labelled = renderGrid(images, { columns: 2, scale: 2, gap: 2, textScale: 1, labels: ['1', 'T'], rowLabels: ['ab'] });
    expect(labelled.height).toBe(plain.height + 7);
    expect(labelled.width).toBe(plain.width + textWidth('AB') + 2);
    // The glyph '1' is 010/110/010/010/111, centred under the first 8-pixel-wide image.
    const left = textWidth('AB') + 2;
    const x0 = left + 2 + ((8 - 3) >> 1);
    const y0 = 2 + 8 + 1;
    const glyph = Array.from({ length: 5 }, (_, gy) => Array.from({ length: 3 }, (_, gx) => (labelled.data[(y0 + gy) * labelled.width + x0 + gx] === 255 ? 1 : 0)).join(''));
    expect(glyph).toEqual(['010', '110', '010', '010', '111']);
    expect(labelled.data.filter((v) => v === 255).length).toBeGreaterThan(20);
  });

  test('rejects bad shapes, options and characters, naming what it expected', () => {
    const ok = batch(2, 2, 2, 1);
    expect(() => renderGrid({ shape: [2, 2, 2], data: new Float32Array(8) })).toThrow(/renderGrid: expected images of shape \[n, height, width, channels\], got \[2,2,2\]/);
    expect(() => renderGrid({ shape: [1, 2, 2, 2], data: new Float32Array(8) })).toThrow(/1 or 3 channels\], got \[1,2,2,2\]/);
    expect(() => renderGrid({ shape: [2, 2, 2, 1], data: new Float32Array(7) })).toThrow(/needs 8 values, got 7/);
    expect(() => renderGrid(ok, { scale: 0 })).toThrow(/scale must be an integer in \[1, 64\], got 0/);
    expect(() => renderGrid(ok, { columns: 1.5 })).toThrow(/columns must be an integer/);
    expect(() => renderGrid(ok, { valueRange: [1, 1] })).toThrow(/valueRange must be 'auto' or \[lo, hi\] with finite lo < hi, got \[1,1\]/);
    expect(() => renderGrid(ok, { labels: ['a'] })).toThrow(/labels must be an array of 2 strings, got 1/);
    expect(() => renderGrid(ok, { labels: ['a', 'é'] })).toThrow(/labels\[1\] "é" has the character "É"/);
    expect(FONT_CHARACTERS).toContain('/');
  });
});

describe('pngGrid', () => {
  for (const c of [1, 3]) {
    test(`decodes back to the rendered pixels (${c} channel${c > 1 ? 's' : ''}) with fast-png and with node:zlib`, () => {
      const images = batch(7, 5, 6, c);
      const options = { columns: 3, scale: 2, gap: 1, labels: ['0', '1', '2', '3', '4', '5', 'x'], rowLabels: ['a', 'b', 'c'] };
      const grid = renderGrid(images, options);
      const png = pngGrid(images, options);
      const decoded = decode(png);
      expect([decoded.width, decoded.height, decoded.channels, decoded.depth]).toEqual([grid.width, grid.height, c, 8]);
      expect(Buffer.from(decoded.data as Uint8Array).equals(Buffer.from(grid.data))).toBe(true);
      const minimal = decodeMinimal(png);
      expect([minimal.width, minimal.height, minimal.channels]).toEqual([grid.width, grid.height, c]);
      expect(Buffer.from(minimal.data).equals(Buffer.from(grid.data))).toBe(true);
    });
  }

  test('compresses: a 400-image grid of mostly flat pixels is far smaller than its raw bytes', () => {
    const images = { shape: [400, 28, 28, 1], data: new Float32Array(400 * 784).fill(0.25) };
    const png = pngGrid(images, { scale: 1 });
    expect(png.length).toBeLessThan(renderGrid(images, { scale: 1 }).data.length / 50);
  });
});

describe('writePngGrid', () => {
  test('creates the folder and writes the PNG bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-grid-'));
    try {
      const images = batch(4, 3, 3, 1);
      const path = join(dir, 'nested', 'grid.png');
      const info = await writePngGrid(path, images, { scale: 1 });
      const bytes = readFileSync(path);
      expect(info.bytes).toBe(bytes.length);
      expect(Buffer.from(pngGrid(images, { scale: 1 })).equals(bytes)).toBe(true);
      expect(decode(bytes)).toMatchObject({ width: info.width, height: info.height });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('concatImages', () => {
  test('stacks batches along n and rejects mismatched image shapes', () => {
    const a = batch(2, 2, 2, 1);
    const b = batch(3, 2, 2, 1);
    const both = concatImages([a, b]);
    expect(both.shape).toEqual([5, 2, 2, 1]);
    expect([...both.data.subarray(8)]).toEqual(Array.from(b.data));
    expect(() => concatImages([a, batch(1, 2, 3, 1)])).toThrow(/concatImages: batch 1 has shape \[1,2,3,1\]; expected \[n, 2, 2, 1\]/);
  });
});
