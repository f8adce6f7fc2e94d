// Bindings of assembly/random.ts: Philox4x32-10 fills, dropout and Gaussian noise. Every draw is
// keyed by (seedLo, seedHi), a stream and a 64-bit block counter split into two u32 halves.
import { wasm } from './exports.js';

/** dst[0..n) = uniform in [lo, hi). */
export function randomUniform(dst: number, n: number, lo: number, hi: number, seedLo: number, seedHi: number, stream: number, counterLo: number, counterHi: number): void {
  wasm().f32_random_uniform(dst, n, lo, hi, seedLo, seedHi, stream, counterLo, counterHi);
}

/** dst[0..n) = mean + std·z, z standard normal. */
export function randomNormal(dst: number, n: number, mean: number, std: number, seedLo: number, seedHi: number, stream: number, counterLo: number, counterHi: number): void {
  wasm().f32_random_normal(dst, n, mean, std, seedLo, seedHi, stream, counterLo, counterHi);
}

/** Like randomNormal, redrawing beyond 2 std. */
export function randomTruncatedNormal(dst: number, n: number, mean: number, std: number, seedLo: number, seedHi: number, stream: number, counterLo: number, counterHi: number): void {
  wasm().f32_random_truncated_normal(dst, n, mean, std, seedLo, seedHi, stream, counterLo, counterHi);
}

/** Inverted dropout: y = x·mask, mask 0 (probability rate) or 1/(1 - rate). */
export function dropoutForward(
  y: number, mask: number, x: number, n: number, rate: number, seedLo: number, seedHi: number, stream: number, counterLo: number, counterHi: number,
): void {
  wasm().f32_dropout_forward(y, mask, x, n, rate, seedLo, seedHi, stream, counterLo, counterHi);
}

/** dx += dy·mask. */
export function dropoutBackward(dx: number, dy: number, mask: number, n: number): void {
  wasm().f32_dropout_backward(dx, dy, mask, n);
}

/** y = x + stddev·z. */
export function gaussianNoiseForward(y: number, x: number, n: number, stddev: number, seedLo: number, seedHi: number, stream: number, counterLo: number, counterHi: number): void {
  wasm().f32_gaussian_noise_forward(y, x, n, stddev, seedLo, seedHi, stream, counterLo, counterHi);
}

/** dx += dy. */
export function gaussianNoiseBackward(dx: number, dy: number, n: number): void {
  wasm().f32_gaussian_noise_backward(dx, dy, n);
}
