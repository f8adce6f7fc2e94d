// examples/shared/transformer.ts: the encoder and decoder blocks wired from built-in layers give
// torch.nn.TransformerEncoderLayer / TransformerDecoderLayer's outputs and input gradients (post-
// and pre-norm; fixture `blocks` of test/fixtures/attention/attention.json, made by
// scripts/fixtures/attention.py), and survive io.save / io.load.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readF32, writeF32 } from '../../src/backend/memory.js';
import { Input, Model, Tensor, io, tensor } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { transformerDecoderBlock, transformerEncoderBlock } from '../../examples/shared/transformer.js';
import { expectClose, randomArray } from '../util.js';

interface Block {
  config: { numHeads: number; intermediateDim: number; normFirst: boolean };
  x: number[];
  xShape: number[];
  memory?: number[];
  memoryShape?: number[];
  attention: number[][][];
  dense: number[][][];
  norm: number[][][];
  y: number[];
  dy: number[];
  dx: number[];
  dmemory?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/attention/attention.json', import.meta.url), 'utf8')) as { blocks: Record<string, Block> };

function load(layer: Layer, values: number[][]): void {
  layer.setWeights(values.map((v, i) => new Tensor(Float32Array.from(v), layer.weights[i]!.shape)));
}

describe('examples/shared/transformer.ts against torch.nn.Transformer{Encoder,Decoder}Layer', () => {
  for (const [name, c] of Object.entries(fixture.blocks)) {
    test(`${name}: output and input gradients match`, () => {
      const [batch, t, d] = c.xShape as [number, number, number];
      const x = Input({ shape: [t, d] });
      const memory = c.memory === undefined ? undefined : Input({ shape: c.memoryShape!.slice(1) });
      const options = { numHeads: c.config.numHeads, intermediateDim: c.config.intermediateDim, normFirst: c.config.normFirst };
      const y = memory === undefined ? transformerEncoderBlock(x, options) : transformerDecoderBlock(x, memory, options);
      const inputs = memory === undefined ? [x] : [x, memory];
      const graph = buildGraph(inputs, y, name);
      const of = (cls: string): Layer[] => graph.layers.filter((l) => l.className === cls);
      expect(of('MultiHeadAttention')).toHaveLength(c.attention.length);
      of('MultiHeadAttention').forEach((l, i) => load(l, c.attention[i]!));
      of('Dense').forEach((l, i) => load(l, c.dense[i]!));
      of('LayerNormalization').forEach((l, i) => load(l, c.norm[i]!));
      const plan = new Plan(graph, batch, 0, new Map(), true);
      try {
        writeF32(plan.inputs[0]!.ptr, c.x);
        if (memory !== undefined) writeF32(plan.inputs[1]!.ptr, c.memory!);
        const ctx = { training: true, batch, rng: new Rng(1) };
        plan.forward(ctx);
        expectClose(readF32(plan.output.ptr, c.y.length), c.y, `${name} y`, 2e-4, 2e-5);
        plan.zeroGrads();
        writeF32(plan.output.grad, c.dy);
        plan.backward(ctx);
        expectClose(readF32(plan.inputs[0]!.grad, c.dx.length), c.dx, `${name} dx`, 2e-4, 2e-5);
        if (memory !== undefined) expectClose(readF32(plan.inputs[1]!.grad, c.dmemory!.length), c.dmemory!, `${name} dmemory`, 2e-4, 2e-5);
      } finally {
        plan.free();
      }
    });
  }

  test('a model of an encoder and a decoder block predicts the same after io.save / io.load', async () => {
    const source = Input({ shape: [6, 8] });
    const target = Input({ shape: [4, 8] });
    const encoded = transformerEncoderBlock(source, { numHeads: 2, intermediateDim: 16, dropout: 0.1 });
    const decoded = transformerDecoderBlock(target, encoded, { numHeads: 2, intermediateDim: 16, dropout: 0.1, normFirst: true });
    const model = new Model({ inputs: [source, target], outputs: decoded, seed: 8 });
    const xs = [tensor(randomArray(2 * 48, 1), [2, 6, 8]), tensor(randomArray(2 * 32, 2), [2, 4, 8])];
    const again = await io.load(io.save(model));
    expect(Array.from(again.predict(xs).data)).toEqual(Array.from(model.predict(xs).data));
  });
});
