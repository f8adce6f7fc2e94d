import { afterEach, describe, expect, test } from 'vitest';
import * as optimizers from '../../src/optimizers/index.js';
import { adamStep, sgdStep, type AdamConfig, type SgdConfig } from '../reference/optim.js';
import { expectClose, randomArray } from '../util.js';
import { FakeParams } from './helpers.js';
import { heap } from '../../src/backend/memory.js';

const SIZES = [1, 2, 3, 4, 5, 7, 8, 17, 33, 65];
let live: FakeParams[] = [];
afterEach(() => {
  for (const p of live) p.free();
  live = [];
});
function params(values: readonly ArrayLike<number>[]): FakeParams {
  const p = new FakeParams(values);
  live.push(p);
  return p;
}

/** Runs `steps` updates with seeded gradients on every size; compares with the f64 reference each step. */
function checkTrajectory(opt: optimizers.Optimizer, reference: (p: Float64Array, g: Float32Array, state: object) => void, what: string, steps = 5): void {
  const init = SIZES.map((n, i) => randomArray(n, 100 + i));
  const fp = params(init);
  opt.build(fp.refs);
  const want = init.map((v) => Float64Array.from(v));
  const states = SIZES.map(() => ({ step: 0 }));
  const blocks = heap().blockCount;
  for (let s = 0; s < steps; s++) {
    const grads = SIZES.map((n, i) => randomArray(n, 1000 * s + i, -2, 2));
    fp.setGrads(grads);
    opt.step();
    expect(heap().blockCount, `${what}: step ${s + 1} allocated wasm memory`).toBe(blocks);
    want.forEach((p, i) => reference(p, grads[i]!, states[i]!));
    fp.values().forEach((got, i) => expectClose(got, want[i]!, `${what} n=${SIZES[i]} step ${s + 1}`, 2e-5, 1e-6));
  }
  expect(opt.iterations).toBe(steps);
}

describe('optimizers.sgd', () => {
  test('plain SGD takes p - lr·g (default learningRate 0.01)', () => {
    const fp = params([[1, -2]]);
    const opt = optimizers.sgd();
    opt.build(fp.refs);
    fp.setGrads([[0.5, 4]]);
    opt.step();
    expectClose(fp.values()[0]!, [1 - 0.005, -2 - 0.04], 'sgd');
  });

  test('momentum starts the buffer at the gradient, then buf = 0.9·buf + g', () => {
    const fp = params([[1]]);
    const opt = optimizers.sgd({ learningRate: 0.1, momentum: 0.9 });
    opt.build(fp.refs);
    fp.setGrads([[0.5]]);
    opt.step(); // buf 0.5, p 0.95
    opt.step(); // buf 0.95, p 0.855
    expectClose(fp.values()[0]!, [0.855], 'sgd momentum');
    expectClose(opt.getState().slots.p0!.momentum!, [0.95], 'sgd momentum buffer');
  });

  test('nesterov, dampening and weightDecay follow torch', () => {
    const fp = params([[1], [1], [1]]);
    const nesterov = optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    const damp = optimizers.sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 });
    const wd = optimizers.sgd({ learningRate: 0.1, weightDecay: 0.1 });
    nesterov.build([fp.refs[0]!]);
    damp.build([fp.refs[1]!]);
    wd.build([fp.refs[2]!]);
    fp.setGrads([[0.5], [0.5], [0.5]]);
    for (const o of [nesterov, damp, wd]) o.step();
    // nesterov: d = 0.5 + 0.9·0.5; dampening: first buf = d (undamped); wd: d = 0.5 + 0.1·1.
    expectClose(fp.values().map((v) => v[0]!), [1 - 0.1 * 0.95, 1 - 0.05, 1 - 0.06], 'sgd variants');
    damp.step(); // buf = 0.9·0.5 + 0.5·0.5 = 0.7; p = 0.95 - 0.07
    expectClose(fp.values()[1]!, [0.88], 'sgd dampening step 2');
  });

  test.each([
    { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
    { momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01 },
    { momentum: 0.5, dampening: 0.3, nesterov: false, weightDecay: 0.1 },
  ])('matches the f64 reference for 5 steps on odd sizes: %o', (options) => {
    const opt = optimizers.sgd({ learningRate: 0.05, ...options });
    const c: SgdConfig = { lr: 0.05, ...options };
    checkTrajectory(opt, (p, g, s) => sgdStep(p, g, s, c), 'sgd');
  });

  test('rejects bad options with a message naming sgd', () => {
    expect(() => optimizers.sgd({ momentum: -1 })).toThrow(/sgd: momentum must be/);
    expect(() => optimizers.sgd({ nesterov: true })).toThrow(/sgd: nesterov needs momentum > 0/);
    expect(() => optimizers.sgd({ learningRate: NaN })).toThrow(/sgd: learningRate/);
    expect(() => optimizers.sgd({ lr: 0.1 } as never)).toThrow(/sgd: unknown option 'lr'; valid options are learningRate/);
    expect(() => optimizers.adam(null as never)).toThrow(/adam: options must be an object, got null/);
    expect(() => optimizers.rmsprop([] as never)).toThrow(/rmsprop: options must be an object, got \[\]/);
  });
});

describe('optimizers.adam', () => {
  test('the first step moves each weight by lr·g/(|g| + eps)', () => {
    const fp = params([[1, 1, 1]]);
    const opt = optimizers.adam({ learningRate: 0.1 });
    opt.build(fp.refs);
    fp.setGrads([[0.5, -3, 0]]);
    opt.step();
    expectClose(fp.values()[0]!, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 1.1, 1], 'adam step 1');
    const { m, v } = opt.getState().slots.p0!;
    expectClose(m!, [0.05, -0.3, 0], 'adam m');
    expectClose(v!, [0.00025, 0.009, 0], 'adam v');
  });

  test('weightDecay is added to the gradient (Adam) or decays the weight (AdamW, default 0.01)', () => {
    const fp = params([[1], [1]]);
    const l2 = optimizers.adam({ learningRate: 0.1, weightDecay: 0.1 });
    const decoupled = optimizers.adamw({ learningRate: 0.1, weightDecay: 0.1 });
    l2.build([fp.refs[0]!]);
    decoupled.build([fp.refs[1]!]);
    fp.setGrads([[0.5], [0.5]]);
    l2.step();
    decoupled.step();
    expectClose(l2.getState().slots.p0!.m!, [0.06], 'adam m with L2');
    expectClose(fp.values().map((v) => v[0]!), [0.9, 0.99 - 0.1], 'adam / adamw weight decay');
    expect(optimizers.adamw().getConfig().weightDecay).toBe(0.01);
  });

  test('amsgrad keeps the running maximum of v', () => {
    const fp = params([[0]]);
    const opt = optimizers.adam({ learningRate: 0.1, amsgrad: true });
    opt.build(fp.refs);
    fp.setGrads([[1]]);
    opt.step();
    fp.setGrads([[0]]);
    opt.step();
    const { v, vmax } = opt.getState().slots.p0!;
    expectClose(v!, [0.001 * 0.999], 'v decays');
    expectClose(vmax!, [0.001], 'vmax holds');
  });

  test.each([
    { name: 'adam', weightDecay: 0, amsgrad: false },
    { name: 'adam', weightDecay: 0.1, amsgrad: true },
    { name: 'adamw', weightDecay: 0.01, amsgrad: false },
    { name: 'adamw', weightDecay: 0.2, amsgrad: true },
  ])('matches the f64 reference for 5 steps on odd sizes: %o', ({ name, weightDecay, amsgrad }) => {
    const opt = optimizers.get(name, { learningRate: 0.01, beta1: 0.8, beta2: 0.95, weightDecay, amsgrad });
    const c: AdamConfig = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-8, weightDecay, amsgrad, decoupled: name === 'adamw' };
    checkTrajectory(opt, (p, g, s) => adamStep(p, g, s as { step: number }, c), name);
  });

  test('rejects beta1 = 1 with a message naming adam', () => {
    expect(() => optimizers.adam({ beta1: 1 })).toThrow(/adam: beta1 must be a finite number in \[0, 1\)/);
  });
});

describe('optimizers.get', () => {
  test('rebuilds every optimizer from its name and getConfig()', () => {
    for (const opt of [optimizers.sgd({ momentum: 0.9, nesterov: true, clipNorm: 1 }), optimizers.adam({ amsgrad: true, clipValue: 0.5 }), optimizers.adamw({ globalClipNorm: 2 })]) {
      const again = optimizers.get(opt.name, opt.getConfig());
      expect(again.name).toBe(opt.name);
      expect(again.getConfig()).toEqual(opt.getConfig());
    }
  });

  test('returns an optimizer unchanged and lists the valid names for an unknown one', () => {
    const opt = optimizers.adam();
    expect(optimizers.get(opt)).toBe(opt);
    expect(optimizers.get('Adam')).toBeInstanceOf(optimizers.Adam);
    expect(() => optimizers.get('adamz')).toThrow(/unknown optimizer 'adamz'; valid names are sgd, adam, adamw/);
  });
});

describe('Optimizer state', () => {
  const RESUME: Record<string, Record<string, unknown>> = {
    sgd: { momentum: 0.9 }, adam: { amsgrad: true }, adamw: { amsgrad: true }, adagrad: { lrDecay: 0.1 },
    rmsprop: { centered: true, momentum: 0.5 }, adadelta: {}, adamax: {}, nadam: {},
  };
  test.each(Object.keys(RESUME))('%s resumes from getState() with the same trajectory', (name) => {
    const config = RESUME[name]!;
    const init = [randomArray(5, 1), randomArray(33, 2)];
    const grads = (s: number) => [randomArray(5, 10 + s), randomArray(33, 20 + s)];
    const a = params(init);
    const straight = optimizers.get(name, config);
    straight.build(a.refs);
    for (let s = 0; s < 5; s++) {
      a.setGrads(grads(s));
      straight.step();
    }
    const b = params(init);
    const first = optimizers.get(name, config);
    first.build(b.refs);
    for (let s = 0; s < 3; s++) {
      b.setGrads(grads(s));
      first.step();
    }
    const resumed = optimizers.get(name, first.getConfig());
    resumed.build(b.refs);
    resumed.setState(first.getState());
    expect(resumed.iterations).toBe(3);
    for (let s = 3; s < 5; s++) {
      b.setGrads(grads(s));
      resumed.step();
    }
    b.values().forEach((v, i) => expect(v).toEqual(a.values()[i]));
  });

  test('setState names a parameter that was not built and a slot of the wrong size', () => {
    const fp = params([[1, 2]]);
    const opt = optimizers.adam();
    opt.build(fp.refs);
    expect(() => opt.setState({ iterations: 1, slots: { q: {} } })).toThrow(/adam.setState: state has parameter 'q', which was not built/);
    expect(() => opt.setState({ iterations: 1, slots: { p0: { m: new Float32Array(3), v: new Float32Array(2) } } })).toThrow(
      /adam.setState: slot 'm' of 'p0' must be a Float32Array of 2 floats, got 3 floats/,
    );
  });
});
