// A class-coloured scatter plot as a PNG for the VAE's latent space: points drawn into an RGB
// raster, with a legend of colour swatches captioned by class name under it (png-grid's font).
import { encode } from 'fast-png';
import { renderGrid, type GridPixels } from './png-grid.js';

/** Ten distinct colours (matplotlib's tab10), one per class. */
export const PALETTE: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/**
 * An RGB scatter of 2-D points (`xy` as x0, y0, x1, y1, ...) over [-range, range]^2 coloured by
 * `classes`, `size` pixels square, with axes through 0 and a legend of `names`; PNG bytes.
 */
export function scatterPng(xy: ArrayLike<number>, classes: ArrayLike<number>, names: readonly string[], range: number, size = 400): Uint8Array {
  if (xy.length !== 2 * classes.length) throw new RangeError(`scatterPng: expected 2 coordinates per class label, got ${xy.length} and ${classes.length}`);
  if (!(range > 0)) throw new RangeError(`scatterPng: range must be positive, got ${range}`);
  const img = new Float32Array(size * size * 3).fill(1);
  const put = (r: number, c: number, rgb: readonly number[]): void => {
    if (r < 0 || c < 0 || r >= size || c >= size) return;
    for (let k = 0; k < 3; k++) img[(r * size + c) * 3 + k] = rgb[k]! / 255;
  };
  const toPixel = (v: number): number => Math.round(((v + range) / (2 * range)) * (size - 1));
  for (let i = 0; i < size; i++) {
    put(toPixel(0), i, [200, 200, 200]);
    put(i, toPixel(0), [200, 200, 200]);
  }
  for (let i = 0; i < classes.length; i++) {
    const c = toPixel(xy[2 * i]!);
    const r = size - 1 - toPixel(xy[2 * i + 1]!);
    const rgb = PALETTE[classes[i]! % PALETTE.length]!;
    for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) put(r + dr, c + dc, rgb);
  }
  const plot = renderGrid({ shape: [1, size, size, 3], data: img }, { scale: 1, gap: 4, labels: [`Z1, Z2 IN -${range}..${range}`], textScale: 2 });
  const swatches = new Float32Array(names.length * 12 * 40 * 3);
  for (let i = 0; i < names.length; i++) {
    const rgb = PALETTE[i % PALETTE.length]!;
    for (let p = 0; p < 12 * 40; p++) for (let k = 0; k < 3; k++) swatches[(i * 12 * 40 + p) * 3 + k] = rgb[k]! / 255;
  }
  const legend = renderGrid({ shape: [names.length, 12, 40, 3], data: swatches }, { columns: 5, scale: 2, gap: 4, labels: names.map((n) => n.split(/[ /-]/)[0]!) });
  return encodeStacked([plot, legend]);
}

/** Grids one above the other (same channels), centred, on the grids' background. */
function encodeStacked(grids: readonly GridPixels[]): Uint8Array {
  const c = grids[0]!.channels;
  const width = Math.max(...grids.map((g) => g.width));
  const height = grids.reduce((s, g) => s + g.height, 0);
  const data = new Uint8Array(width * height * c).fill(64);
  let y0 = 0;
  for (const g of grids) {
    const x0 = (width - g.width) >> 1;
    for (let y = 0; y < g.height; y++) data.set(g.data.subarray(y * g.width * c, (y + 1) * g.width * c), ((y0 + y) * width + x0) * c);
    y0 += g.height;
  }
  return encode({ width, height, data, channels: c, depth: 8 });
}
