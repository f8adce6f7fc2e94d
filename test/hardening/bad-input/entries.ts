// The public entries under test: for each, valid calls with an oracle and bad calls, one argument
// made bad at a time, each labelled with its kind ('options:typo', 'units:bad', ...).
import fc from 'fast-check';
import { Sequential, augment, callbacks, data, io, layers, losses, metrics, ops, optimizers, tensor, zeros, type Tensor } from '../../../src/index.js';
import type { Case } from './classify.js';
import {
  badBoolean, badDim, badNumber, badPositiveInt, badRate, expectNear, expectShape, makeTensor, notAnObject, notATensor, smallShape, withTypo,
} from './values.js';

export interface Entry {
  entry: string;
  /** What a clear error from this entry must name. */
  names: RegExp;
  cases: fc.Arbitrary<Case>;
}

const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
/** A stride beyond the input is valid (one output position), so 1e12 is not a bad stride. */
const badStride = badPositiveInt.filter((v) => v !== 1e12);
const asTensor = (r: unknown): Tensor => r as Tensor;

/** Cases of one entry: valid ones and one arbitrary per bad kind. */
function entry(name: string, names: RegExp, valid: fc.Arbitrary<Omit<Case, 'entry' | 'kind'>>, bad: Record<string, fc.Arbitrary<() => unknown>>): Entry {
  const kinds = Object.entries(bad).map(([kind, arb]) => arb.map((call): Case => ({ entry: name, kind, call })));
  return { entry: name, names, cases: fc.oneof(valid.map((v): Case => ({ entry: name, kind: 'valid', ...v })), ...kinds) };
}

function matmulReference(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Float32Array {
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a.data[ta ? p * ac + i : i * ac + p]! * b.data[tb ? j * bc + p : p * bc + j]!;
    out[i * n + j] = s;
  }
  return out;
}

const matmul = (() => {
  const dims = fc.record({ m: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 6 }), ta: fc.boolean(), tb: fc.boolean(), s: seed });
  const build = ({ m, k, n, ta, tb, s }: { m: number; k: number; n: number; ta: boolean; tb: boolean; s: number }) => ({
    a: makeTensor(ta ? [k, m] : [m, k], s), b: makeTensor(tb ? [n, k] : [k, n], s + 1), options: { transposeA: ta, transposeB: tb } as Record<string, unknown>,
  });
  return entry('ops.matmul', /matmul/, dims.map((d) => {
    const { a, b, options } = build(d);
    return { call: () => ops.matmul(a, b, options), check: (r: unknown) => expectNear(asTensor(r).data, matmulReference(a, b, d.ta, d.tb), 1e-5, 'matmul') };
  }), {
    'a:notATensor': fc.tuple(dims, notATensor).map(([d, bad]) => () => ops.matmul(bad as Tensor, build(d).b)),
    'b:notATensor': fc.tuple(dims, notATensor).map(([d, bad]) => () => ops.matmul(build(d).a, bad as Tensor)),
    'a:rank': fc.tuple(dims, smallShape(0, 4).filter((s) => s.length !== 2 && s.length !== 3)).map(([d, shape]) => () => ops.matmul(makeTensor(shape, 1), build(d).b)),
    'inner:mismatch': dims.map((d) => () => ops.matmul(makeTensor([d.m, d.k], 1), makeTensor([d.k + 1, d.n], 2))),
    'options:notAnObject': fc.tuple(dims, notAnObject).map(([d, bad]) => () => ops.matmul(build(d).a, build(d).b, bad as never)),
    'options:typo': fc.tuple(dims, withTypo({}, ['transposeA', 'transposeB', 'bias'])).map(([d, o]) => () => ops.matmul(build(d).a, build(d).b, o)),
    'options:badBoolean': fc.tuple(dims, badBoolean).map(([d, v]) => () => ops.matmul(build(d).a, build(d).b, { transposeA: v as boolean })),
  });
})();

const tensorEntry = (() => {
  const shapes = smallShape(0, 4, 3);
  return entry('tensor', /tensor/, fc.tuple(shapes, fc.boolean(), seed).map(([shape, plain, s]) => {
    const values = makeTensor(shape, s).data;
    const input = plain ? Array.from(values) : values;
    return { call: () => tensor(input, shape), check: (r: unknown) => { expectShape(asTensor(r).shape, shape, 'tensor'); expectNear(asTensor(r).data, values, 0, 'tensor'); } };
  }), {
    'shape:badDim': fc.tuple(shapes, badDim, fc.nat()).map(([shape, d, at]) => () => { const s: unknown[] = [...shape, 1]; s[at % s.length] = d; return tensor(new Float32Array(8), s as number[]); }),
    'data:length': fc.tuple(smallShape(1, 3, 3), fc.integer({ min: 1, max: 5 })).map(([shape, extra]) => () => tensor(new Float32Array(shape.reduce((a, b) => a * b) + extra), shape)),
    'data:notNumbers': fc.constantFrom<unknown[]>([1, 'x', null], [true, 2], [1, undefined], [{}, 1], [2n]).map((values) => () => tensor(values as number[])),
    'data:notArray': fc.constantFrom<unknown>(null, undefined, 'abc', {}, { length: 1e12 }, Symbol('x')).map((v) => () => tensor(v as number[])),
    'shape:notArray': fc.constantFrom<unknown>('2,3', 6, { 0: 6, length: 1 }, null).map((v) => () => tensor(new Float32Array(6), v as number[])),
  });
})();

const zerosEntry = entry('zeros', /zeros/, smallShape(0, 4, 4).map((shape) => ({
  call: () => zeros(shape), check: (r: unknown) => { expectShape(asTensor(r).shape, shape, 'zeros'); if (asTensor(r).data.some((v) => v !== 0)) throw new Error('zeros: not all zero'); },
})), {
  'shape:badDim': fc.tuple(smallShape(0, 3), badDim).map(([shape, d]) => () => zeros([...shape, d] as number[])),
});

const reluEntry = entry('ops.relu', /relu/, fc.tuple(smallShape(0, 4, 5), seed).map(([shape, s]) => {
  const x = makeTensor(shape, s);
  return { call: () => ops.relu(x), check: (r: unknown) => expectNear(asTensor(r).data, x.data.map((v) => Math.max(0, v)), 0, 'relu') };
}), {
  'x:notATensor': notATensor.map((bad) => () => ops.relu(bad as Tensor)),
});

function conv2dReference(x: Tensor, w: Tensor, pad: [number, number]): { data: Float32Array; shape: number[] } {
  const [b, h, wd, c] = x.shape as number[] as [number, number, number, number];
  const [kh, kw, , f] = w.shape as number[] as [number, number, number, number];
  const oh = h + 2 * pad[0] - kh + 1, ow = wd + 2 * pad[1] - kw + 1;
  const out = new Float32Array(b * oh * ow * f);
  for (let n = 0; n < b; n++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < f; o++) {
    let s = 0;
    for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const yi = i + u - pad[0], xj = j + v - pad[1];
      if (yi < 0 || yi >= h || xj < 0 || xj >= wd) continue;
      for (let ci = 0; ci < c; ci++) s += x.data[((n * h + yi) * wd + xj) * c + ci]! * w.data[((u * kw + v) * c + ci) * f + o]!;
    }
    out[((n * oh + i) * ow + j) * f + o] = s;
  }
  return { data: out, shape: [b, oh, ow, f] };
}

const conv2dEntry = (() => {
  const g = fc.record({ b: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 3, max: 6 }), w: fc.integer({ min: 3, max: 6 }), c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 3 }), k: fc.constantFrom(1, 3), s: seed });
  const build = (d: { b: number; h: number; w: number; c: number; f: number; k: number; s: number }) => ({ x: makeTensor([d.b, d.h, d.w, d.c], d.s), w: makeTensor([d.k, d.k, d.c, d.f], d.s + 1) });
  return entry('ops.conv2d', /conv2d/, fc.tuple(g, fc.constantFrom('valid' as const, 'same' as const)).map(([d, padding]) => {
    const { x, w } = build(d);
    const p = padding === 'same' ? (d.k - 1) / 2 : 0;
    return { call: () => ops.conv2d(x, w, { padding }), check: (r: unknown) => { const want = conv2dReference(x, w, [p, p]); expectShape(asTensor(r).shape, want.shape, 'conv2d'); expectNear(asTensor(r).data, want.data, 1e-5, 'conv2d'); } };
  }), {
    'x:notATensor': fc.tuple(g, notATensor).map(([d, bad]) => () => ops.conv2d(bad as Tensor, build(d).w)),
    'x:rank': fc.tuple(g, smallShape(0, 5).filter((s) => s.length !== 4)).map(([d, shape]) => () => ops.conv2d(makeTensor(shape, 1), build(d).w)),
    'filter:channels': g.map((d) => () => ops.conv2d(build(d).x, makeTensor([d.k, d.k, d.c + 1, d.f], 2))),
    // Outputs of 6e9 elements and more: beyond wasm32 memory whatever the other sizes.
    'padding:huge': fc.constantFrom(1e9, 2 ** 31).map((p) => () => ops.conv2d(makeTensor([1, 3, 3, 1], 1), makeTensor([1, 1, 1, 2], 2), { padding: [p, 0, 0, 0] })),
    'padding:bad': fc.tuple(g, fc.constantFrom<unknown>('full', 'SAME', [1, 1], [-1, 0, 0, 0], [1.5, 0, 0, 0], 3)).map(([d, p]) => () => ops.conv2d(build(d).x, build(d).w, { padding: p as 'same' })),
    'strides:bad': fc.tuple(g, badStride).map(([d, v]) => () => ops.conv2d(build(d).x, build(d).w, { strides: v as number })),
    'options:typo': fc.tuple(g, withTypo({}, ['strides', 'padding', 'dilation', 'bias', 'activation'])).map(([d, o]) => () => ops.conv2d(build(d).x, build(d).w, o)),
    'options:notAnObject': fc.tuple(g, notAnObject).map(([d, o]) => () => ops.conv2d(build(d).x, build(d).w, o as never)),
  });
})();

const maxPoolEntry = (() => {
  const x = fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 }), seed).map(([h, c, s]) => makeTensor([1, h, h, c], s));
  return entry('ops.maxPool2d', /maxPool2d|pool/i, x.map((t) => ({
    call: () => ops.maxPool2d(t, { poolSize: 2 }),
    check: (r: unknown) => {
      const [, h, , c] = t.shape as [number, number, number, number];
      const o = Math.floor(h / 2);
      expectShape(asTensor(r).shape, [1, o, o, c], 'maxPool2d');
      const want = new Float32Array(o * o * c);
      for (let i = 0; i < o; i++) for (let j = 0; j < o; j++) for (let ch = 0; ch < c; ch++) {
        let m = -Infinity;
        for (let u = 0; u < 2; u++) for (let v = 0; v < 2; v++) m = Math.max(m, t.data[((2 * i + u) * h + 2 * j + v) * c + ch]!);
        want[(i * o + j) * c + ch] = m;
      }
      expectNear(asTensor(r).data, want, 0, 'maxPool2d');
    },
  })), {
    'poolSize:bad': fc.tuple(x, badPositiveInt).map(([t, v]) => () => ops.maxPool2d(t, { poolSize: v as number })),
    'strides:bad': fc.tuple(x, badStride).map(([t, v]) => () => ops.maxPool2d(t, { strides: v as number })),
    'options:typo': fc.tuple(x, withTypo({}, ['poolSize', 'strides', 'padding'])).map(([t, o]) => () => ops.maxPool2d(t, o)),
  });
})();

const randomUniformEntry = entry('ops.randomUniform', /randomUniform/, fc.tuple(smallShape(0, 3, 5), fc.double({ min: -3, max: 0, noNaN: true }), seed).map(([shape, lo, s]) => ({
  call: () => ops.randomUniform(shape, lo, lo + 2, { seed: s }),
  check: (r: unknown) => { expectShape(asTensor(r).shape, shape, 'randomUniform'); if (asTensor(r).data.some((v) => !(v >= Math.fround(lo) && v <= Math.fround(lo + 2)))) throw new Error('randomUniform: value out of range'); },
})), {
  'shape:badDim': fc.tuple(smallShape(0, 2), badDim).map(([shape, d]) => () => ops.randomUniform([...shape, d] as number[])),
  'minval:bad': badNumber.map((v) => () => ops.randomUniform([3], v as number, 1)),
  'seed:bad': fc.constantFrom<unknown>(-1, 1.5, Number.NaN, 'x', 2 ** 60).map((v) => () => ops.randomUniform([3], 0, 1, { seed: v as number })),
  'options:typo': withTypo({ seed: 1 }, ['seed', 'rng']).map((o) => () => ops.randomUniform([3], 0, 1, o)),
});

const dropoutEntry = entry('ops.dropout', /dropout/, fc.tuple(smallShape(1, 3, 5), seed).map(([shape, s]) => {
  const x = makeTensor(shape, s);
  return { call: () => ops.dropout(x, 0.5, { training: false }), check: (r: unknown) => expectNear(asTensor(r).data, x.data, 0, 'dropout (inference)') };
}), {
  'rate:bad': badRate.map((v) => () => ops.dropout(makeTensor([4], 1), v as number, { training: true, seed: 1 })),
  'training:badBoolean': badBoolean.map((v) => () => ops.dropout(makeTensor([4], 1), 0.5, { training: v as boolean })),
  'options:typo': withTypo({ training: true, seed: 1 }, ['training', 'seed']).map((o) => () => ops.dropout(makeTensor([4], 1), 0.5, o)),
});

/** A Dense layer on [*, 3] inputs, predicted with its own weights as the oracle. */
const denseEntry = (() => {
  const valid = fc.record({ units: fc.integer({ min: 1, max: 5 }), activation: fc.constantFrom('linear', 'relu'), useBias: fc.boolean(), s: seed });
  const predictWith = (config: Record<string, unknown>) => () => {
    const model = new Sequential([layers.dense({ inputShape: [3], ...config } as never)], { seed: 1 });
    return model.predict(makeTensor([2, 3], 3));
  };
  return entry('layers.dense', /dense/, valid.map((c) => {
    const model = () => new Sequential([layers.dense({ units: c.units, activation: c.activation, useBias: c.useBias, inputShape: [3] })], { seed: c.s });
    let built: Sequential | undefined;
    const x = makeTensor([2, 3], c.s);
    return {
      call: () => (built = model()).predict(x),
      check: (r: unknown) => {
        const [w, b] = built!.getWeights();
        if (c.useBias !== (b !== undefined)) throw new Error(`dense: useBias ${c.useBias} but ${b ? 'a' : 'no'} bias`);
        const y = matmulReference(x, w!, false, false).map((v, i) => {
          const z = v + (b ? b.data[i % c.units]! : 0);
          return c.activation === 'relu' ? Math.max(0, z) : z;
        });
        expectNear(asTensor(r).data, y, 1e-5, 'dense');
      },
    };
  }), {
    'units:bad': badPositiveInt.map((v) => predictWith({ units: v })),
    'useBias:badBoolean': badBoolean.map((v) => predictWith({ units: 2, useBias: v })),
    'activation:unknown': fc.constantFrom<unknown>('rely', 'Relu', 'soft_max', 3, null).map((v) => predictWith({ units: 2, activation: v })),
    'config:typo': withTypo({ units: 2, useBias: true }, ['units', 'useBias', 'activation', 'kernelInitializer']).map((o) => predictWith(o)),
    'config:notAnObject': notAnObject.map((v) => () => layers.dense(v as never)),
  });
})();

const conv2dLayerEntry = (() => {
  const predictWith = (config: Record<string, unknown>) => () => new Sequential([layers.conv2d({ inputShape: [5, 5, 2], ...config } as never)], { seed: 1 }).predict(makeTensor([1, 5, 5, 2], 4));
  const valid = fc.record({ filters: fc.integer({ min: 1, max: 3 }), kernelSize: fc.integer({ min: 1, max: 3 }), strides: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom('valid' as const, 'same' as const) });
  return entry('layers.conv2d', /conv2d/, valid.map((c) => ({
    call: predictWith(c),
    check: (r: unknown) => {
      const o = c.padding === 'same' ? Math.ceil(5 / c.strides) : Math.floor((5 - c.kernelSize) / c.strides) + 1;
      expectShape(asTensor(r).shape, [1, o, o, c.filters], 'conv2d layer');
    },
  })), {
    'filters:bad': badPositiveInt.map((v) => predictWith({ filters: v, kernelSize: 3 })),
    'kernelSize:bad': badPositiveInt.map((v) => predictWith({ filters: 2, kernelSize: v })),
    'strides:bad': badStride.map((v) => predictWith({ filters: 2, kernelSize: 3, strides: v })),
    'padding:bad': fc.constantFrom<unknown>('full', 'SAME', 3, [1, 1]).map((v) => predictWith({ filters: 2, kernelSize: 3, padding: v })),
    'config:typo': withTypo({ filters: 2, kernelSize: 3 }, ['filters', 'kernelSize', 'strides', 'padding']).map((o) => predictWith(o)),
  });
})();

const adamEntry = entry('optimizers.adam', /adam/i, fc.record({ learningRate: fc.double({ min: 1e-5, max: 1, noNaN: true }), beta1: fc.double({ min: 0, max: 0.99, noNaN: true }) }).map((o) => ({
  call: () => optimizers.adam(o),
  check: (r: unknown) => { if (Math.abs((r as { learningRate: number }).learningRate - o.learningRate) > 1e-12) throw new Error('adam: learningRate not kept'); },
})), {
  'learningRate:bad': fc.constantFrom<unknown>(-1, Number.NaN, Infinity, '0.1', null, 2n).map((v) => () => optimizers.adam({ learningRate: v as number })),
  'beta1:bad': fc.constantFrom<unknown>(1, 1.5, -0.1, Number.NaN, '0.9').map((v) => () => optimizers.adam({ beta1: v as number })),
  'amsgrad:badBoolean': badBoolean.map((v) => () => optimizers.adam({ amsgrad: v as boolean })),
  'options:typo': withTypo({ learningRate: 0.01 }, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay']).map((o) => () => optimizers.adam(o)),
  'options:notAnObject': notAnObject.map((v) => () => optimizers.adam(v as never)),
});

const lossesEntry = entry('losses.get', /loss|meanSquaredError|huber|hinge|crossentropy/i, fc.constantFrom(...losses.LOSS_NAMES).map((name) => ({
  call: () => losses.get(name), check: (r: unknown) => { if ((r as { name: string }).name !== name) throw new Error(`losses.get: got ${(r as { name: string }).name}`); },
})), {
  'name:unknown': fc.constantFrom<unknown>('meanSquareError', 'MSE ', '', 3, null).map((v) => () => losses.get(v as string)),
  'config:typo': withTypo({ delta: 1 }, ['delta']).map((o) => () => losses.get('huber', o)),
  'config:bad': badNumber.map((v) => () => losses.get('huber', { delta: v })),
});

const aucEntry = entry('metrics.auc', /auc/, fc.integer({ min: 3, max: 300 }).map((n) => ({ call: () => metrics.auc({ numThresholds: n }) })), {
  'numThresholds:bad': fc.constantFrom<unknown>(0, 2, -1, 2.5, Number.NaN, '200', null, 1e12).map((v) => () => metrics.auc({ numThresholds: v as number })),
  'options:typo': withTypo({ numThresholds: 10 }, ['numThresholds', 'name']).map((o) => () => metrics.auc(o)),
});

const csvEntry = (() => {
  const table = fc.array(fc.array(fc.integer({ min: -99, max: 99 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 });
  const text = (rows: number[][]) => ['a,b,y', ...rows.map((r) => r.join(','))].join('\n');
  return entry('data.parseCsv', /parseCsv|csv/i, table.map((rows) => ({
    call: () => data.parseCsv(text(rows), { labelColumn: 'y' }),
    check: (r: unknown) => {
      const t = r as { x: Tensor; y: Tensor };
      expectNear(t.x.data, rows.flatMap((row) => row.slice(0, 2)), 0, 'parseCsv x');
      expectNear(t.y.data, rows.map((row) => row[2]!), 0, 'parseCsv y');
    },
  })), {
    'field:empty': table.map((rows) => () => data.parseCsv(text(rows).replace(/\n(-?\d+),/, '\n,'), { labelColumn: 'y' })),
    'field:notANumber': table.map((rows) => () => data.parseCsv(text(rows).replace(/\n(-?\d+),/, '\nabc,'), { labelColumn: 'y' })),
    'labelColumn:missing': fc.constantFrom<unknown>('z', 7, -1, 1.5, null).map((v) => () => data.parseCsv('a,b,y\n1,2,3', { labelColumn: v as string })),
    'delimiter:bad': fc.constantFrom<unknown>('', ',,', 5).map((v) => () => data.parseCsv('a,b,y\n1,2,3', { delimiter: v as string })),
    'options:typo': withTypo({ labelColumn: 'y' }, ['labelColumn', 'delimiter', 'classNames']).map((o) => () => data.parseCsv('a,b,y\n1,2,3', o)),
  });
})();

/** A compiled 3 -> 4 -> 1 model and 16 samples, for fit's options. */
function fitSetup(): { model: Sequential; x: Tensor; y: Tensor } {
  const model = new Sequential([layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })], { seed: 1 });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return { model, x: makeTensor([16, 3], 1), y: makeTensor([16, 1], 2) };
}
const fitWith = (options: Record<string, unknown>) => async () => {
  const { model, x, y } = fitSetup();
  return model.fit(x, y, { verbose: 0, ...options });
};
const fitEntry = entry('Model.fit', /fit/, fc.record({ epochs: fc.integer({ min: 1, max: 3 }), batchSize: fc.integer({ min: 1, max: 20 }) }).map((o) => ({
  call: fitWith(o),
  check: (r: unknown) => {
    const loss = (r as { history: { loss: number[] } }).history.loss;
    if (loss.length !== o.epochs || !loss.every(Number.isFinite)) throw new Error(`fit: history.loss ${JSON.stringify(loss)}`);
  },
})), {
  // 1e12 epochs is valid, only long (Keras would run it too).
  'epochs:bad': badPositiveInt.filter((v) => v !== 1e12).map((v) => fitWith({ epochs: v })),
  // A batchSize over the sample count is one batch (Keras), so 1e12 is not bad here.
  'batchSize:bad': badPositiveInt.filter((v) => v !== 1e12).map((v) => fitWith({ batchSize: v })),
  'validationSplit:bad': fc.constantFrom<unknown>(-0.1, 1, 1.5, Number.NaN, '0.2').map((v) => fitWith({ validationSplit: v })),
  'validationData:empty': fc.constant(fitWith({ validationData: [zeros([0, 3]), zeros([0, 1])] })),
  'options:typo': withTypo({ epochs: 1 }, ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'callbacks']).map((o) => fitWith(o)),
});

const ioLoadEntry = (() => {
  const saved = () => {
    const { model, x } = fitSetup();
    return { bytes: io.save(model), want: Array.from(model.predict(x).data), x };
  };
  return entry('io.load', /load|model file|tensorlane/i, fc.constant(null).map(() => {
    const s = saved();
    return { call: () => io.load(s.bytes), check: (r: unknown) => expectNear((r as Sequential).predict(s.x).data, s.want, 0, 'io.load round trip') };
  }), {
    'bytes:truncated': fc.double({ min: 0, max: 0.99, noNaN: true }).map((f) => () => { const b = saved().bytes; return io.load(b.slice(0, Math.floor(b.length * f))); }),
    'bytes:flipped': fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => () => { const b = saved().bytes.slice(); b[at % b.length]! ^= x; return io.load(b); }),
    'bytes:notBytes': fc.constantFrom<unknown>(null, 'model', [1, 2, 3], new ArrayBuffer(8), 5).map((v) => () => io.load(v as Uint8Array)),
  });
})();

const augmentEntry = (() => {
  const images = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 2, max: 6 }), seed).map(([n, h, s]) => makeTensor([n, h, h, 1], s));
  return entry('augment', /augment|random(Flip|Rotation|ResizedCrop|Zoom)|resizedCrop|flip|rotation/i, images.map((x) => ({
    call: () => augment.apply(augment.sequence([augment.randomFlip('horizontal')]), x, { seed: 1 }),
    check: (r: unknown) => {
      expectShape(asTensor(r).shape, x.shape, 'augment flip');
      const [n, h] = x.shape as [number, number];
      const rows = asTensor(r).data;
      for (let i = 0; i < n * h; i++) {
        const got = Array.from(rows.subarray(i * h, i * h + h));
        const row = Array.from(x.data.subarray(i * h, i * h + h));
        if (got.join() !== row.join() && got.join() !== [...row].reverse().join()) throw new Error('augment flip: a row is neither kept nor mirrored');
      }
    },
  })), {
    'flip:badMode': fc.constantFrom<unknown>('sideways', '', 3, null).map((v) => () => augment.randomFlip(v as 'horizontal')),
    'rotation:badFactor': badNumber.map((v) => () => augment.randomRotation(v as number)),
    'resizedCrop:huge': fc.constantFrom(1e5, 1e9, 2 ** 31).map((v) => () => augment.apply(augment.sequence([augment.randomResizedCrop(v, v)]), makeTensor([1, 8, 8, 1], 1))),
    'images:rank': fc.tuple(images, smallShape(0, 5).filter((s) => s.length !== 4)).map(([, shape]) => () => augment.apply(augment.sequence([augment.randomFlip('horizontal')]), makeTensor(shape, 1))),
  });
})();

const softmaxEntry = entry('ops.softmax', /softmax|activation/, fc.tuple(smallShape(1, 3, 6), seed).map(([shape, s]) => {
  const x = makeTensor(shape, s);
  const c = shape[shape.length - 1]!;
  const want = new Float32Array(x.size);
  for (let r = 0; r < x.size / c; r++) {
    const row = Array.from(x.data.subarray(r * c, r * c + c));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (want[r * c + j] = v / sum));
  }
  return { call: () => ops.softmax(x), check: (r: unknown) => expectNear(asTensor(r).data, want, 1e-5, 'softmax') };
}), {
  'x:notATensor': notATensor.map((bad) => () => ops.softmax(bad as Tensor)),
});

const earlyStoppingEntry = entry('callbacks.earlyStopping', /earlyStopping/, fc.record({ patience: fc.integer({ min: 0, max: 5 }), minDelta: fc.double({ min: 0, max: 1, noNaN: true }) }).map((o) => ({
  call: () => callbacks.earlyStopping(o),
})), {
  'patience:bad': fc.constantFrom<unknown>(-1, 1.5, Number.NaN, '3', true, 2n).map((v) => () => callbacks.earlyStopping({ patience: v as number })),
  'restoreBestWeights:badBoolean': badBoolean.map((v) => () => callbacks.earlyStopping({ restoreBestWeights: v as boolean })),
  'mode:bad': fc.constantFrom<unknown>('minimum', 'MAX', 3, true).map((v) => () => callbacks.earlyStopping({ mode: v as 'min' })),
  'options:typo': withTypo({ patience: 2 }, ['patience', 'minDelta', 'monitor', 'restoreBestWeights', 'baseline']).map((o) => () => callbacks.earlyStopping(o)),
  'options:notAnObject': notAnObject.map((v) => () => callbacks.earlyStopping(v as never)),
});

const batchesEntry = (() => {
  const xy = fc.tuple(fc.integer({ min: 1, max: 9 }), seed).map(([n, s]) => ({ x: makeTensor([n, 2], s), y: makeTensor([n], s + 1) }));
  return entry('data.batches', /data\.batches|batches/, fc.tuple(xy, fc.integer({ min: 1, max: 10 })).map(([{ x, y }, batchSize]) => ({
    call: () => [...data.batches(x, y, { batchSize })],
    check: (r: unknown) => {
      const got = r as Array<{ x: Tensor; y: Tensor }>;
      if (got.length !== Math.ceil(x.shape[0]! / batchSize)) throw new Error(`data.batches: ${got.length} batches`);
      expectNear(got.flatMap((b) => Array.from(b.x.data)), x.data, 0, 'data.batches x');
      expectNear(got.flatMap((b) => Array.from(b.y.data)), y.data, 0, 'data.batches y');
    },
  })), {
    'batchSize:bad': fc.tuple(xy, badPositiveInt.filter((v) => v !== 1e12)).map(([{ x, y }, v]) => () => [...data.batches(x, y, { batchSize: v as number })]),
    'rows:mismatch': xy.map(({ x }) => () => [...data.batches(x, makeTensor([x.shape[0]! + 1], 1), { batchSize: 2 })]),
    'x:notATensor': fc.tuple(xy, notATensor).map(([{ y }, bad]) => () => [...data.batches(bad as Tensor, y, { batchSize: 2 })]),
    'options:typo': fc.tuple(xy, withTypo({ batchSize: 2 }, ['batchSize', 'shuffle', 'dropRemainder', 'seed'])).map(([{ x, y }, o]) => () => [...data.batches(x, y, o as never)]),
  });
})();

/** Every entry the suite exercises. */
export const ENTRIES: readonly Entry[] = [
  tensorEntry, zerosEntry, matmul, reluEntry, conv2dEntry, maxPoolEntry, randomUniformEntry, dropoutEntry, denseEntry, conv2dLayerEntry,
  adamEntry, lossesEntry, aucEntry, csvEntry, fitEntry, ioLoadEntry, augmentEntry, softmaxEntry, earlyStoppingEntry, batchesEntry,
];
