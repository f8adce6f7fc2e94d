// Masked steps of the recurrent layers, as Keras: a sample whose step is masked (padding) keeps its
// states (h_t = h_{t-1}, and c for LSTM), so its output there repeats the last real step's, and
// the step adds nothing to any gradient. Rows are copied, never blended, so a padded sample's
// numbers are exactly those of the same sample run unpadded.
import { f32 } from '../backend/memory.js';

/** Where one call's per-step states live: slots [T + 1, b, u] of h (and c, or 0), the mask [b, T]. */
export interface MaskedRun {
  b: number;
  T: number;
  u: number;
  mask: number;
}

/** After step t: every sample masked at input time `tx` gets slot t's rows in slot t + 1 (of `h` and `c`; `c` may be 0). */
export function holdMaskedStates(r: MaskedRun, h: number, c: number, t: number, tx: number): void {
  const m = f32();
  const { b, T, u } = r, M = r.mask >>> 2, n = b * u;
  for (let i = 0; i < b; i++) {
    if (m[M + i * T + tx] !== 0) continue;
    const prev = t * n + i * u;
    for (let j = 0; j < u; j++) m[(h >>> 2) + prev + n + j] = m[(h >>> 2) + prev + j]!;
    if (c !== 0) for (let j = 0; j < u; j++) m[(c >>> 2) + prev + n + j] = m[(c >>> 2) + prev + j]!;
  }
}

/**
 * Before step t's backward: the running state gradients (`dh`, `dc` or 0) of samples masked at
 * `tx` move to `saved` ([2, b, u]) and are zeroed there, so the step's cell gives them nothing
 * (its backward is linear in them); `restoreMaskedGrads` hands them on to step t - 1.
 */
export function setAsideMaskedGrads(r: MaskedRun, dh: number, dc: number, saved: number, tx: number): void {
  moveMasked(r, dh, dc, saved, tx, true);
}

/** After step t's backward: the set-aside gradients become the masked samples' gradients of the previous states. */
export function restoreMaskedGrads(r: MaskedRun, dh: number, dc: number, saved: number, tx: number): void {
  moveMasked(r, dh, dc, saved, tx, false);
}

function moveMasked(r: MaskedRun, dh: number, dc: number, saved: number, tx: number, out: boolean): void {
  const m = f32();
  const { b, T, u } = r, M = r.mask >>> 2, S = saved >>> 2, n = b * u;
  for (let i = 0; i < b; i++) {
    if (m[M + i * T + tx] !== 0) continue;
    for (let k = 0; k < (dc === 0 ? 1 : 2); k++) {
      const G = ((k === 0 ? dh : dc) >>> 2) + i * u, at = S + k * n + i * u;
      for (let j = 0; j < u; j++) {
        if (out) {
          m[at + j] = m[G + j]!;
          m[G + j] = 0;
        } else {
          m[G + j] = m[at + j]!;
        }
      }
    }
  }
}
