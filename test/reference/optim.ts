// Naive f64 references of torch.optim's single-tensor algorithms (PyTorch 1.13), one parameter
// tensor at a time. State objects persist between calls; `step` counts from 1.

export interface SgdConfig { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number }
export function sgdStep(p: Float64Array, g: ArrayLike<number>, state: { buf?: Float64Array }, c: SgdConfig): void {
  for (let i = 0; i < p.length; i++) {
    let d = g[i]! + c.weightDecay * p[i]!;
    if (c.momentum !== 0) {
      state.buf ??= new Float64Array(p.length).fill(NaN);
      const b = Number.isNaN(state.buf[i]!) ? d : state.buf[i]! * c.momentum + (1 - c.dampening) * d;
      state.buf[i] = b;
      d = c.nesterov ? d + c.momentum * b : b;
    }
    p[i] = p[i]! - c.lr * d;
  }
}

export interface AdamConfig { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean; decoupled: boolean }
export function adamStep(p: Float64Array, g: ArrayLike<number>, s: { step: number; m?: Float64Array; v?: Float64Array; vmax?: Float64Array }, c: AdamConfig): void {
  const n = p.length;
  s.m ??= new Float64Array(n);
  s.v ??= new Float64Array(n);
  s.vmax ??= new Float64Array(n);
  s.step++;
  const bc1 = 1 - c.beta1 ** s.step;
  const bc2 = 1 - c.beta2 ** s.step;
  for (let i = 0; i < n; i++) {
    if (c.decoupled) p[i] = p[i]! * (1 - c.lr * c.weightDecay);
    const gi = g[i]! + (c.decoupled ? 0 : c.weightDecay * p[i]!);
    s.m[i] = c.beta1 * s.m[i]! + (1 - c.beta1) * gi;
    s.v[i] = c.beta2 * s.v[i]! + (1 - c.beta2) * gi * gi;
    s.vmax[i] = Math.max(s.vmax[i]!, s.v[i]!);
    const v = c.amsgrad ? s.vmax[i]! : s.v[i]!;
    p[i] = p[i]! - (c.lr / bc1) * s.m[i]! / (Math.sqrt(v) / Math.sqrt(bc2) + c.eps);
  }
}
