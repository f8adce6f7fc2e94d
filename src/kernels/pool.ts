// Bindings of assembly/pool.ts: max and average 2-D pooling over the geometry struct. With a
// thread pool, large calls run in parts (forwards over output rows, backwards over images).
import { wasm } from './exports.js';
import { partsFor, runParts, windowCells } from './parts.js';

const FORWARD = 0;
const BACKWARD = 1;

/** Parts for a pooling pass at geometry g. */
function poolParts(pass: number, g: number): number {
  const parts = partsFor(windowCells(g));
  return parts > 1 ? Math.max(1, Math.min(parts, wasm().f32_pool2d_split_units(pass, g))) : 1;
}

/** y = max over each window. */
export function maxPool2dForward(y: number, x: number, g: number): void {
  const kernel = wasm().f32_max_pool2d_forward;
  const parts = poolParts(FORWARD, g);
  if (parts > 1) runParts(kernel, parts, 3, y, x, g);
  else kernel(y, x, g, 0, 1);
}

/** dx += dy at the first maximum of each window (recomputed from x). */
export function maxPool2dBackward(dx: number, dy: number, x: number, g: number): void {
  const kernel = wasm().f32_max_pool2d_backward;
  const parts = poolParts(BACKWARD, g);
  if (parts > 1) runParts(kernel, parts, 4, dx, dy, x, g);
  else kernel(dx, dy, x, g, 0, 1);
}

/** y = mean over each window's real cells. */
export function avgPool2dForward(y: number, x: number, g: number): void {
  const kernel = wasm().f32_avg_pool2d_forward;
  const parts = poolParts(FORWARD, g);
  if (parts > 1) runParts(kernel, parts, 3, y, x, g);
  else kernel(y, x, g, 0, 1);
}

/** dx += dy / (real cells) over each window. */
export function avgPool2dBackward(dx: number, dy: number, g: number): void {
  const kernel = wasm().f32_avg_pool2d_backward;
  const parts = poolParts(BACKWARD, g);
  if (parts > 1) runParts(kernel, parts, 3, dx, dy, g);
  else kernel(dx, dy, g, 0, 1);
}
