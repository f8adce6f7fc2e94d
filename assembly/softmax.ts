// Softmax and log-softmax over one axis of a tensor viewed as [outer, n, inner] (the axis has n
// entries, `inner` floats apart), with an optional mask of the same shape (0: masked; pass 0 for
// no mask). Masked entries get probability 0 (log-softmax: 0 as well, never -Inf, so that a
// product with a zero target stays finite) and no gradient; a fully masked row is all zeros.
// exp and log are the module's own (math.ts): the same bits in every runtime.
//
//   f32_softmax_axis_forward(y, x, mask, outer, n, inner, log)
//   f32_softmax_axis_backward(dx, dy, y, mask, outer, n, inner, log)
//       softmax:     dx_i += y_i (dy_i - sum_j dy_j y_j)
//       log-softmax: dx_i += dy_i - exp(y_i) sum_j dy_j       (j over the kept entries)
import { exp_f32, log_f32 } from './math';

// @ts-ignore: decorator
@inline function kept(mask: usize, o: usize): bool {
  return mask == 0 || load<f32>(mask + o) != 0;
}

export function f32_softmax_axis_forward(y: usize, x: usize, mask: usize, outer: i32, n: i32, inner: i32, log: i32): void {
  const step = <usize>inner << 2;
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = ((<usize>a * <usize>n * <usize>inner) + <usize>c) << 2;
      let m: f32 = -Infinity;
      let any = false;
      for (let i = 0; i < n; i++) {
        const o = base + <usize>i * step;
        if (!kept(mask, o)) continue;
        const v = load<f32>(x + o);
        m = any ? max<f32>(m, v) : v;
        any = true;
      }
      if (!any) {
        for (let i = 0; i < n; i++) store<f32>(y + base + <usize>i * step, 0);
        continue;
      }
      let sum: f32 = 0;
      for (let i = 0; i < n; i++) {
        const o = base + <usize>i * step;
        if (kept(mask, o)) sum += exp_f32(load<f32>(x + o) - m);
      }
      const lse = log_f32(sum);
      const inv: f32 = <f32>1 / sum;
      for (let i = 0; i < n; i++) {
        const o = base + <usize>i * step;
        if (!kept(mask, o)) store<f32>(y + o, 0);
        else if (log != 0) store<f32>(y + o, (load<f32>(x + o) - m) - lse);
        else store<f32>(y + o, exp_f32(load<f32>(x + o) - m) * inv);
      }
    }
  }
}

export function f32_softmax_axis_backward(dx: usize, dy: usize, y: usize, mask: usize, outer: i32, n: i32, inner: i32, log: i32): void {
  const step = <usize>inner << 2;
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = ((<usize>a * <usize>n * <usize>inner) + <usize>c) << 2;
      let dot: f32 = 0;
      for (let i = 0; i < n; i++) {
        const o = base + <usize>i * step;
        if (kept(mask, o)) dot += log != 0 ? load<f32>(dy + o) : load<f32>(dy + o) * load<f32>(y + o);
      }
      for (let i = 0; i < n; i++) {
        const o = base + <usize>i * step;
        if (!kept(mask, o)) continue;
        const g = load<f32>(dy + o);
        const yi = load<f32>(y + o);
        const d: f32 = log != 0 ? g - exp_f32(yi) * dot : yi * (g - dot);
        store<f32>(dx + o, load<f32>(dx + o) + d);
      }
    }
  }
}
