// f64 references of the recurrent cells in Keras layout and gate order (kernel [F, G·u],
// recurrent_kernel [u, G·u], bias [G·u], GRU resetAfter bias [2, 3u]), for one sample at a time,
// and a runner over [batch, time, features] with initial states and goBackwards.
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** One step: reads x_t, updates h (and c for LSTM) in place. */
export type Cell = (x: ArrayLike<number>, h: Float64Array, c: Float64Array, w: Float32Array[], F: number, u: number) => void;

/** x·W (+ bias[biasOffset..]) for one sample, gate width g. */
export function project(x: ArrayLike<number>, W: Float32Array, F: number, g: number, bias: Float32Array | undefined, biasOffset: number): Float64Array {
  const out = new Float64Array(g);
  for (let j = 0; j < g; j++) {
    let s = bias === undefined ? 0 : bias[biasOffset + j]!;
    for (let k = 0; k < F; k++) s += x[k]! * W[k * g + j]!;
    out[j] = s;
  }
  return out;
}

/** Keras SimpleRNN with tanh. */
export const rnnCell: Cell = (x, h, _c, [W, U, b], F, u) => {
  const p = project(x, W!, F, u, b, 0);
  const r = project(h, U!, u, u, undefined, 0);
  for (let j = 0; j < u; j++) h[j] = Math.tanh(p[j]! + r[j]!);
};

/** Keras LSTM (i, f, c, o), tanh / sigmoid. */
export const lstmCell: Cell = (x, h, c, [W, U, b], F, u) => {
  const p = project(x, W!, F, 4 * u, b, 0);
  const r = project(h, U!, u, 4 * u, undefined, 0);
  for (let j = 0; j < u; j++) {
    const i = sigmoid(p[j]! + r[j]!), f = sigmoid(p[u + j]! + r[u + j]!), cc = Math.tanh(p[2 * u + j]! + r[2 * u + j]!), o = sigmoid(p[3 * u + j]! + r[3 * u + j]!);
    c[j] = f * c[j]! + i * cc;
    h[j] = o * Math.tanh(c[j]!);
  }
};

/** Keras GRU with resetAfter (z, r, h; bias [2, 3u]). */
export const gruCell: Cell = (x, h, _c, [W, U, b], F, u) => {
  const p = project(x, W!, F, 3 * u, b, 0);
  const r = project(h, U!, u, 3 * u, b, 3 * u);
  for (let j = 0; j < u; j++) {
    const z = sigmoid(p[j]! + r[j]!), rr = sigmoid(p[u + j]! + r[u + j]!), hh = Math.tanh(p[2 * u + j]! + rr * r[2 * u + j]!);
    h[j] = z * h[j]! + (1 - z) * hh;
  }
};

/** Keras GRU with resetAfter false (original GRU): h̃ = tanh(x W_h + (r h) U_h + b_h); bias [3u]. */
export const gruResetBeforeCell: Cell = (x, h, _c, [W, U, b], F, u) => {
  const g = 3 * u;
  const p = project(x, W!, F, g, b, 0);
  const r = project(h, U!, u, g, undefined, 0);
  const z = new Float64Array(u), rh = new Float64Array(u);
  for (let j = 0; j < u; j++) {
    z[j] = sigmoid(p[j]! + r[j]!);
    rh[j] = sigmoid(p[u + j]! + r[u + j]!) * h[j]!;
  }
  for (let j = 0; j < u; j++) {
    let s = p[2 * u + j]!;
    for (let k = 0; k < u; k++) s += rh[k]! * U![k * g + 2 * u + j]!;
    h[j] = z[j]! * h[j]! + (1 - z[j]!) * Math.tanh(s);
  }
};

export interface RunOptions {
  /** Initial h and c, [batch, u] each (zeros when absent). */
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
  goBackwards?: boolean;
}

/** Runs a cell over [batch, T, F]; returns every state [batch, T, u] in processing order. */
export function runCell(cell: Cell, x: ArrayLike<number>, batch: number, T: number, F: number, u: number, w: Float32Array[], o: RunOptions = {}): Float64Array {
  const out = new Float64Array(batch * T * u);
  for (let i = 0; i < batch; i++) {
    const h = Float64Array.from({ length: u }, (_, j) => o.h0?.[i * u + j] ?? 0);
    const c = Float64Array.from({ length: u }, (_, j) => o.c0?.[i * u + j] ?? 0);
    for (let t = 0; t < T; t++) {
      const tx = o.goBackwards === true ? T - 1 - t : t;
      cell(Array.prototype.slice.call(x, (i * T + tx) * F, (i * T + tx + 1) * F) as number[], h, c, w, F, u);
      out.set(h, (i * T + t) * u);
    }
  }
  return out;
}

/** The last step of runCell's [batch, T, u] output: [batch, u]. */
export function lastStep(all: Float64Array, batch: number, T: number, u: number): Float64Array {
  return Float64Array.from({ length: batch * u }, (_, k) => all[(Math.floor(k / u) * T + T - 1) * u + (k % u)]!);
}
