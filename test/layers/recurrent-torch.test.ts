// PyTorch 1.13 against the recurrent layers: torch's LSTM / GRU driven by Keras-layout weights;
// forward of every step and, for loss = Σ y·dy, the gradients of the inputs and each weight (Keras
// layout). test/fixtures/recurrent/recurrent.json (scripts/fixtures/recurrent.py): LSTM and GRU
// from zero states; states.json (scripts/fixtures/recurrent_states.py): LSTM and GRU from
// non-zero initial states with the states' gradients, and a bidirectional LSTM.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { layers, Input, tensor } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { expectClose } from '../util.js';

interface TorchCase {
  units: number;
  x: number[];
  xShape: [number, number, number];
  weights: number[][];
  weightShapes: number[][];
  /** Initial states and their gradients (absent in recurrent.json: zero states). */
  states?: number[][];
  y: number[];
  dy: number[];
  dx: number[];
  dweights: number[][];
  dstates?: number[][];
}
const read = (file: string): { format: number; cases: Record<string, TorchCase> } => JSON.parse(readFileSync(new URL(`../fixtures/recurrent/${file}`, import.meta.url), 'utf8')) as never;
const zeroStates = read('recurrent.json'), withStates = read('states.json');

/** Runs `layer` on the case's input (and initial states) in a training plan and compares with torch. */
function checkAgainstTorch(name: string, layer: Layer, c: TorchCase): void {
  const [batch, steps, features] = c.xShape;
  const states = c.states ?? [];
  const inputs = [Input({ shape: [steps, features] }), ...states.map(() => Input({ shape: [c.units] }))];
  const graph = buildGraph(inputs, layer.apply(inputs.length === 1 ? inputs[0]! : inputs), 'torchCheck');
  layer.setWeights(c.weights.map((w, i) => tensor(Float32Array.from(w), c.weightShapes[i]!)));
  const grads = layer.weights.map((w) => heap().alloc(w.size * 4));
  grads.forEach((g, i) => writeF32(g, new Float32Array(layer.weights[i]!.size)));
  const plan = new Plan(graph, batch, 0, new Map(layer.weights.map((w, i) => [w, grads[i]!])), true);
  try {
    const ctx = { training: true, batch, rng: new Rng(1) };
    [c.x, ...states].forEach((v, i) => writeF32(plan.inputs[i]!.ptr, Float32Array.from(v)));
    plan.forward(ctx);
    expectClose(readF32(plan.output.ptr, c.y.length), c.y, `${name} forward vs torch`, 1e-4, 1e-5);
    plan.zeroGrads();
    writeF32(plan.output.grad, Float32Array.from(c.dy));
    plan.backward(ctx);
    expectClose(readF32(plan.inputs[0]!.grad, c.dx.length), c.dx, `${name} dx vs torch`, 1e-4, 1e-5);
    (c.dstates ?? []).forEach((d, k) => expectClose(readF32(plan.inputs[1 + k]!.grad, d.length), d, `${name} d(initial state ${k}) vs torch`, 1e-4, 1e-5));
    layer.weights.forEach((w, i) => expectClose(readF32(grads[i]!, w.size), c.dweights[i]!, `${name} d${w.name} vs torch`, 1e-4, 1e-5));
  } finally {
    plan.free();
    for (const g of grads) heap().free(g);
  }
}

describe.each(['lstm', 'gru'] as const)('%s against PyTorch', (kind) => {
  test('forward of every step and the input/weight gradients match', () => {
    expect(zeroStates.format).toBe(1);
    checkAgainstTorch(kind, layers[kind]({ units: zeroStates.cases[kind]!.units, returnSequences: true }), zeroStates.cases[kind]!);
  });
});

const WITH_STATES: Record<string, (units: number) => Layer> = {
  lstm_states: (units) => layers.lstm({ units, returnSequences: true }),
  gru_states: (units) => layers.gru({ units, returnSequences: true }),
  bilstm: (units) => layers.bidirectional(layers.lstm({ units, returnSequences: true })),
};

describe.each(Object.keys(WITH_STATES))('%s against PyTorch', (name) => {
  test('forward of every step and the gradients of the input, the initial states and every weight match', () => {
    expect(withStates.format).toBe(1);
    const c = withStates.cases[name]!;
    checkAgainstTorch(name, WITH_STATES[name]!(c.units), c);
  });
});
