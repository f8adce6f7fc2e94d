// Image grids as PNG for the examples: an NHWC batch of images (1 channel: grey, 3: RGB) laid out
// in rows and columns, mapped from a value range to 0..255, upscaled by an integer factor, with
// optional text under each image and at the left of each row in a 3x5 bitmap font. The PNG
// encoding is `fast-png` (pure JS, zlib by `fflate`), a dev dependency: the library bundle does
// not carry it. Nothing here touches the file system except `writePngGrid`, which imports
// `node:fs` when called, so the module also loads in browsers and Deno.
import { encode } from 'fast-png';

/** An NHWC batch: anything with a shape and float data (a tensorlane `Tensor` is one). */
export interface ImageBatch {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Options of `renderGrid`, `pngGrid` and `writePngGrid`. */
export interface GridOptions {
  /** Images per row (default: ceil(sqrt(n))). */
  columns?: number;
  /** Integer upscaling of every pixel (default 2). */
  scale?: number;
  /** Background pixels around and between images (default 2). */
  gap?: number;
  /** Values mapped to black..white (default [0, 1]; values outside are clipped, NaN is black); `'auto'` uses the batch's min..max. */
  valueRange?: readonly [number, number] | 'auto';
  /** One text per image, drawn under it (cut to the image's width). */
  labels?: readonly string[];
  /** One text per grid row, drawn at its left. */
  rowLabels?: readonly string[];
  /** Integer size of the 3x5 font's pixels (default max(1, floor(scale / 2))). */
  textScale?: number;
  /** Grey level 0..255 of the background (default 64). */
  background?: number;
}

/** 8-bit pixels of a rendered grid, row-major, `channels` per pixel. */
export interface GridPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

// 3x5 glyphs: five digits, one per row from the top, each the row's three bits (4 = left column).
const GLYPHS: Record<string, string> = {
  ' ': '00000', '0': '75557', '1': '26227', '2': '71747', '3': '71317', '4': '55711', '5': '74717',
  '6': '74757', '7': '71122', '8': '75757', '9': '75717', A: '25755', B: '65656', C: '34443',
  D: '65556', E: '74647', F: '74644', G: '34553', H: '55755', I: '72227', J: '11152', K: '55655',
  L: '44447', M: '57755', N: '57775', O: '25552', P: '65644', Q: '25573', R: '65655', S: '34216',
  T: '72222', U: '55557', V: '55522', W: '55775', X: '55255', Y: '55222', Z: '71247', '.': '00002',
  ',': '00024', '-': '00700', '+': '02720', ':': '02020', '/': '11244', '=': '07070', '%': '51245',
  '(': '24442', ')': '21112', '_': '00007', "'": '22000', '?': '71202', '!': '22202', '<': '12421',
  '>': '42124', '#': '57575', '*': '52500',
};

/** The characters the label font draws (lower case is drawn as upper case). */
export const FONT_CHARACTERS = Object.keys(GLYPHS).join('');

const GLYPH_ADVANCE = 4; // 3 columns of glyph, 1 of space
const LABEL_BAND = 7; // 1 row above the glyph, 5 of glyph, 1 below

/** Width in pixels of `text` drawn with font pixels of size `textScale`. */
export function textWidth(text: string, textScale = 1): number {
  return text.length === 0 ? 0 : (text.length * GLYPH_ADVANCE - 1) * textScale;
}

function checkText(text: unknown, who: string, what: string): string {
  if (typeof text !== 'string') throw new TypeError(`${who}: ${what} must be a string, got ${typeof text}`);
  const upper = text.toUpperCase();
  for (const ch of upper) {
    if (GLYPHS[ch] === undefined) throw new RangeError(`${who}: ${what} ${JSON.stringify(text)} has the character ${JSON.stringify(ch)}; the font draws ${JSON.stringify(FONT_CHARACTERS)} and lower case`);
  }
  return upper;
}

function checkInt(value: unknown, who: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${who}: ${what} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function checkTexts(texts: readonly string[] | undefined, count: number, who: string, what: string): string[] | undefined {
  if (texts === undefined) return undefined;
  if (!Array.isArray(texts) || texts.length !== count) {
    throw new RangeError(`${who}: ${what} must be an array of ${count} strings, got ${Array.isArray(texts) ? `${texts.length}` : typeof texts}`);
  }
  return texts.map((t, i) => checkText(t, who, `${what}[${i}]`));
}

function valueRangeOf(images: ImageBatch, range: GridOptions['valueRange'], who: string): [number, number] {
  if (range === 'auto') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < images.data.length; i++) {
      const v = images.data[i]!;
      if (v < lo && v !== -Infinity) lo = v;
      if (v > hi && v !== Infinity) hi = v;
    }
    if (lo === Infinity) return [0, 1]; // no finite value
    return hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
  }
  const [lo, hi] = range ?? [0, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(`${who}: valueRange must be 'auto' or [lo, hi] with finite lo < hi, got ${JSON.stringify(range)}`);
  }
  return [lo, hi];
}

/** Draws `text` (already upper case) into `out` with its top-left corner at (x0, y0), clipped to maxWidth. */
function drawText(out: GridPixels, text: string, x0: number, y0: number, textScale: number, maxWidth: number): void {
  const fits = Math.max(0, Math.floor((maxWidth + textScale) / (GLYPH_ADVANCE * textScale)));
  const shown = text.slice(0, fits);
  for (let k = 0; k < shown.length; k++) {
    const rows = GLYPHS[shown[k]!]!;
    for (let gy = 0; gy < 5; gy++) {
      const bits = rows.charCodeAt(gy) - 48;
      for (let gx = 0; gx < 3; gx++) {
        if ((bits & (4 >> gx)) === 0) continue;
        for (let sy = 0; sy < textScale; sy++) {
          const y = y0 + gy * textScale + sy;
          if (y >= out.height) break; // a row label taller than tiny images: cut at the bottom
          const x = x0 + (k * GLYPH_ADVANCE + gx) * textScale;
          const start = (y * out.width + x) * out.channels;
          out.data.fill(255, start, start + textScale * out.channels);
        }
      }
    }
  }
}

/** Lays the images of an NHWC batch out as a grid of 8-bit pixels (see `GridOptions`). */
export function renderGrid(images: ImageBatch, options: GridOptions = {}): GridPixels {
  const who = 'renderGrid';
  const shape = images?.shape;
  if (!Array.isArray(shape) || shape.length !== 4) throw new RangeError(`${who}: expected images of shape [n, height, width, channels], got ${JSON.stringify(shape)}`);
  const [n, h, w, c] = shape as [number, number, number, number];
  if (!shape.every((d) => Number.isInteger(d) && d > 0) || (c !== 1 && c !== 3)) {
    throw new RangeError(`${who}: expected images of shape [n >= 1, height >= 1, width >= 1, 1 or 3 channels], got ${JSON.stringify(shape)}`);
  }
  if (images.data.length !== n * h * w * c) throw new RangeError(`${who}: shape ${JSON.stringify(shape)} needs ${n * h * w * c} values, got ${images.data.length}`);
  const columns = checkInt(options.columns ?? Math.ceil(Math.sqrt(n)), who, 'columns', 1);
  const scale = checkInt(options.scale ?? 2, who, 'scale', 1, 64);
  const gap = checkInt(options.gap ?? 2, who, 'gap', 0, 1024);
  const textScale = checkInt(options.textScale ?? Math.max(1, Math.floor(scale / 2)), who, 'textScale', 1, 64);
  const background = checkInt(options.background ?? 64, who, 'background', 0, 255);
  const [lo, hi] = valueRangeOf(images, options.valueRange, who);
  const rows = Math.ceil(n / columns);
  const labels = checkTexts(options.labels, n, who, 'labels');
  const rowLabels = checkTexts(options.rowLabels, rows, who, 'rowLabels');

  const cellW = w * scale;
  const imageH = h * scale;
  const cellH = imageH + (labels ? LABEL_BAND * textScale : 0);
  const left = rowLabels ? Math.max(...rowLabels.map((t) => textWidth(t, textScale))) + gap : 0;
  const width = left + columns * cellW + (columns + 1) * gap;
  const height = rows * cellH + (rows + 1) * gap;
  const out: GridPixels = { width, height, channels: c, data: new Uint8Array(width * height * c).fill(background) };
  const toByte = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const x0 = left + gap + (i % columns) * (cellW + gap);
    const y0 = gap + Math.floor(i / columns) * (cellH + gap);
    for (let y = 0; y < imageH; y++) {
      const srcRow = (i * h + Math.floor(y / scale)) * w;
      for (let x = 0; x < cellW; x++) {
        const src = (srcRow + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * out.width + x0 + x) * c;
        for (let k = 0; k < c; k++) {
          const v = (images.data[src + k]! - lo) * toByte;
          out.data[dst + k] = v > 0 ? (v < 255 ? Math.round(v) : 255) : 0; // NaN fails both tests: 0
        }
      }
    }
    const label = labels?.[i];
    if (label) drawText(out, label, x0 + Math.max(0, (cellW - textWidth(label, textScale)) >> 1), y0 + imageH + textScale, textScale, cellW);
  }
  rowLabels?.forEach((label, r) => {
    const y0 = gap + r * (cellH + gap) + Math.max(0, (imageH - 5 * textScale) >> 1);
    drawText(out, label, gap, y0, textScale, left - gap);
  });
  return out;
}

/** The grid of `renderGrid` as PNG file bytes (8-bit grey or RGB). */
export function pngGrid(images: ImageBatch, options: GridOptions = {}): Uint8Array {
  return encodeGrid(renderGrid(images, options));
}

function encodeGrid(grid: GridPixels): Uint8Array {
  return encode({ width: grid.width, height: grid.height, data: grid.data, channels: grid.channels, depth: 8 });
}

/** Writes `pngGrid(images, options)` to `path` (Node, Deno), creating its folder; returns the grid's size. */
export async function writePngGrid(path: string, images: ImageBatch, options: GridOptions = {}): Promise<{ width: number; height: number; bytes: number }> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const grid = renderGrid(images, options);
  const png = encodeGrid(grid);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return { width: grid.width, height: grid.height, bytes: png.length };
}

/** The batches one after another along n (same height, width and channels): rows of a comparison grid. */
export function concatImages(batches: readonly ImageBatch[]): { shape: number[]; data: Float32Array } {
  const who = 'concatImages';
  if (!Array.isArray(batches) || batches.length === 0) throw new RangeError(`${who}: expected a non-empty array of image batches, got ${Array.isArray(batches) ? 'an empty array' : typeof batches}`);
  const inner = batches[0]!.shape.slice(1);
  let n = 0;
  for (let i = 0; i < batches.length; i++) {
    const b: ImageBatch = batches[i]!;
    if (b.shape.length !== 4 || b.shape.slice(1).some((d, k) => d !== inner[k])) {
      throw new RangeError(`${who}: batch ${i} has shape ${JSON.stringify(b.shape)}; expected [n, ${inner.join(', ')}] like batch 0`);
    }
    n += b.shape[0]!;
  }
  const data = new Float32Array(batches.reduce((s, b) => s + b.data.length, 0));
  let offset = 0;
  for (const b of batches) {
    data.set(b.data, offset);
    offset += b.data.length;
  }
  return { shape: [n, ...inner], data };
}
