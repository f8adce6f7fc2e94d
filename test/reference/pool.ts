// Reference pooling and resizing, naive on purpose, in f64. Geometry: src/ops/geometry.ts.
import type { GeometryStruct } from '../../src/ops/geometry.js';

type Arr = ArrayLike<number>;

/** Calls fn(outIndexBase, inIndexBase, cells) per output pixel: the real cells of its window (row-major order). */
function forEachWindow(g: GeometryStruct, fn: (yBase: number, cells: number[]) => void): void {
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const cells: number[] = [];
        for (let i = 0; i < g.kH; i++) {
          const ih = oh * g.strideH - g.padTop + i;
          if (ih < 0 || ih >= g.inH) continue;
          for (let j = 0; j < g.kW; j++) {
            const iw = ow * g.strideW - g.padLeft + j;
            if (iw >= 0 && iw < g.inW) cells.push(((n * g.inH + ih) * g.inW + iw) * g.inC);
          }
        }
        fn(((n * g.outH + oh) * g.outW + ow) * g.inC, cells);
      }
    }
  }
}

/** Max pool: y = max over real cells; argmax = index of the first maximum. */
export function maxPoolRef(g: GeometryStruct, x: Arr): { y: Float64Array; argmax: Int32Array } {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.inC);
  const argmax = new Int32Array(y.length);
  forEachWindow(g, (yBase, cells) => {
    for (let c = 0; c < g.inC; c++) {
      let best = -Infinity;
      let at = -1;
      for (const cell of cells) {
        if (at < 0 || x[cell + c]! > best) {
          best = x[cell + c]!;
          at = cell + c;
        }
      }
      y[yBase + c] = best;
      argmax[yBase + c] = at;
    }
  });
  return { y, argmax };
}

/** Max pool backward (not accumulated): dx[argmax] += dy. */
export function maxPoolBackwardRef(g: GeometryStruct, dy: Arr, x: Arr): Float64Array {
  const dx = new Float64Array(g.batch * g.inH * g.inW * g.inC);
  maxPoolRef(g, x).argmax.forEach((at, i) => (dx[at]! += dy[i]!));
  return dx;
}

/** Average pool: mean over the real cells of each window. */
export function avgPoolRef(g: GeometryStruct, x: Arr): Float64Array {
  const y = new Float64Array(g.batch * g.outH * g.outW * g.inC);
  forEachWindow(g, (yBase, cells) => {
    for (let c = 0; c < g.inC; c++) y[yBase + c] = cells.reduce((s, cell) => s + x[cell + c]!, 0) / cells.length;
  });
  return y;
}

/** Average pool backward (not accumulated). */
export function avgPoolBackwardRef(g: GeometryStruct, dy: Arr): Float64Array {
  const dx = new Float64Array(g.batch * g.inH * g.inW * g.inC);
  forEachWindow(g, (yBase, cells) => {
    for (let c = 0; c < g.inC; c++) for (const cell of cells) dx[cell + c]! += dy[yBase + c]! / cells.length;
  });
  return dx;
}

/** Index maps of the resizes: for each output element, the input element it copies (-1 = zero). */
export function resizeSourceRef(g: GeometryStruct, kind: 'upSampling2d' | 'zeroPadding2d' | 'cropping2d'): Int32Array {
  const src = new Int32Array(g.batch * g.outH * g.outW * g.inC);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        let ih: number;
        let iw: number;
        if (kind === 'upSampling2d') [ih, iw] = [Math.floor(oh / g.kH), Math.floor(ow / g.kW)];
        else if (kind === 'zeroPadding2d') [ih, iw] = [oh - g.padTop, ow - g.padLeft];
        else [ih, iw] = [oh + g.padTop, ow + g.padLeft];
        const inside = ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW;
        for (let c = 0; c < g.inC; c++) {
          src[((n * g.outH + oh) * g.outW + ow) * g.inC + c] = inside ? ((n * g.inH + ih) * g.inW + iw) * g.inC + c : -1;
        }
      }
    }
  }
  return src;
}

/** y[i] = x[source[i]] (0 where source is -1). */
export function resizeRef(source: Int32Array, x: Arr): Float64Array {
  return Float64Array.from(source, (s) => (s < 0 ? 0 : x[s]!));
}

/** dx[source[i]] += dy[i] (not accumulated into an existing dx). */
export function resizeBackwardRef(source: Int32Array, dy: Arr, inputSize: number): Float64Array {
  const dx = new Float64Array(inputSize);
  source.forEach((s, i) => {
    if (s >= 0) dx[s]! += dy[i]!;
  });
  return dx;
}
