// The numerical error of conv (b) (64x14x14x32 -> 3x3x64, 'same', inputs uniform in [-1, 1])
// against an f64 reference, for two wasm builds (e.g. the direct kernels and Winograd):
//   node bench/winograd-error.mjs OLD.wasm NEW.wasm
// Prints, per pass, the largest absolute error, and that error relative to the largest |value|.
import { readFileSync } from 'node:fs';

const [N, H, W, C, O] = [64, 14, 14, 32, 64];
let seed = 3;
const rand = (n) => Float64Array.from({ length: n }, () => Math.fround(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1));
const x = rand(N * H * W * C);
const w = rand(9 * C * O);
const dy = rand(N * H * W * O);

// f64 references ('same': pad 1 on every side).
const y = new Float64Array(N * H * W * O);
const dx = new Float64Array(N * H * W * C);
const dw = new Float64Array(9 * C * O);
for (let n = 0; n < N; n++) for (let oh = 0; oh < H; oh++) for (let ow = 0; ow < W; ow++) {
  const yo = ((n * H + oh) * W + ow) * O;
  for (let i = 0; i < 3; i++) {
    const ih = oh + i - 1;
    if (ih < 0 || ih >= H) continue;
    for (let j = 0; j < 3; j++) {
      const iw = ow + j - 1;
      if (iw < 0 || iw >= W) continue;
      const xo = ((n * H + ih) * W + iw) * C;
      for (let c = 0; c < C; c++) {
        const wo = ((i * 3 + j) * C + c) * O;
        const xv = x[xo + c];
        let g = 0;
        for (let o = 0; o < O; o++) {
          y[yo + o] += xv * w[wo + o];
          g += dy[yo + o] * w[wo + o];
          dw[wo + o] += xv * dy[yo + o];
        }
        dx[xo + c] += g;
      }
    }
  }
}

function run(path) {
  const { exports: k } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
  let top = (k.heap_base() + 63) & ~63;
  const alloc = (floats) => {
    const p = top;
    top = (top + floats * 4 + 127) & ~63;
    if (top > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((top - k.memory.buffer.byteLength) / 65536));
    return p;
  };
  const put = (a) => { const p = alloc(a.length); new Float32Array(k.memory.buffer).set(a, p >>> 2); return p; };
  const g = put(new Float32Array(0));
  new Int32Array(k.memory.buffer).set([N, H, W, C, H, W, O, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1], g >>> 2);
  alloc(18);
  const [px, pw, pdy] = [x, w, dy].map((a) => put(Float32Array.from(a)));
  const py = alloc(y.length), pdx = alloc(dx.length), pdw = alloc(dw.length);
  k.f32_fill(pdx, 0, dx.length);
  k.f32_fill(pdw, 0, dw.length);
  k.f32_conv2d_forward(py, px, pw, 0, g, 0, alloc(k.f32_conv2d_forward_scratch_bytes(g) / 4));
  k.f32_conv2d_backward_input(pdx, pdy, pw, g, alloc(k.f32_conv2d_backward_input_scratch_bytes(g) / 4));
  k.f32_conv2d_backward_filter(pdw, pdy, px, g, alloc(k.f32_conv2d_backward_filter_scratch_bytes(g) / 4), 0);
  const read = (p, n) => new Float32Array(k.memory.buffer).slice(p >>> 2, (p >>> 2) + n);
  return [read(py, y.length), read(pdx, dx.length), read(pdw, dw.length)];
}

const refs = [y, dx, dw];
const err = (got, ref) => {
  let e = 0, m = 0;
  for (let i = 0; i < ref.length; i++) { e = Math.max(e, Math.abs(got[i] - ref[i])); m = Math.max(m, Math.abs(ref[i])); }
  return `${e.toExponential(2)} (${(e / m).toExponential(2)} of max |value| ${m.toFixed(1)})`;
};
const builds = process.argv.slice(2).map(run);
console.log(`| pass | ${process.argv.slice(2).join(' | ')} |`);
console.log(`| --- |${process.argv.slice(2).map(() => ' --- |').join('')}`);
['forward', 'input gradient', 'filter gradient'].forEach((name, p) => console.log(`| ${name} | ${builds.map((b) => err(b[p], refs[p])).join(' | ')} |`));
