import { describe, expect, test } from 'vitest';
import { Input, ops, tensor } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { Op } from '../../src/graph/op.js';
import { opFromConfig, opNames } from '../../src/graph/registry.js';

describe('opFromConfig', () => {
  test('every op recorded by the public functions is rebuilt from its config, with the same attributes and shapes', () => {
    const x = Input({ shape: [4, 6, 3] });
    const v = Input({ shape: [6] });
    const made: SymbolicTensor[] = [
      ops.add(x, 1), ops.clip(x, -1, 1), ops.where(ops.greater(x, 0), x, 0), ops.sum(x, [1, 2], true), ops.variance(x),
      ops.matmul(x, x, { transposeB: true }), ops.reshape(x, [-1, 24, 3]), ops.expandDims(x, 1), ops.squeeze(ops.expandDims(x, 1), 1),
      ops.transpose(x, [0, 2, 1, 3]), ops.slice(x, [0, 1, 0, 0], [-1, 2, -1, 1]), ops.tile(x, [1, 1, 2, 1]), ops.concat([x, x], 1),
      ops.stack([x, x], 1), ...ops.split(x, [2, 2], 1), ops.gather(x, tensor([0, 2, 5], [3]), 2), ops.oneHot(v, 5), ops.softmax(x, 1), ops.logSoftmax(x),
      ops.leakyRelu(x, 0.1), ops.gelu(x), ops.conv2d(x, tensor(new Array(18).fill(0.5), [1, 2, 3, 3]), { strides: [1, 2], padding: 'same' }),
      ops.maxPool2d(x, { poolSize: 2 }), ops.avgPool2d(x, { poolSize: [2, 3], strides: 1 }), ops.layerNormalization(x, { epsilon: 1e-5 }),
      ops.dropout(x, 0.3), ops.randomNormal(ops.shapeOf(x), 1, 2), ops.randomUniformLike(x, -1, 1),
    ];
    const seen = new Set<string>();
    for (const t of made) {
      const op = t.node.layer as Op;
      expect(op).toBeInstanceOf(Op);
      const config = op.getConfig();
      const copy = opFromConfig(config);
      expect(copy.name).toBe(op.name); // saved graphs refer to ops by name
      const { name: _a, ...want } = config;
      const { name: _b, ...got } = copy.getConfig();
      expect(got).toEqual(want);
      expect(copy.outputSpecs(t.node.inputs)).toEqual(op.outputSpecs(t.node.inputs));
      seen.add(config.op as string);
    }
    expect(seen.size).toBeGreaterThan(25);
    for (const name of seen) expect(opNames()).toContain(name);
  });
  test('unknown ops and weight reads are refused with a clear error', () => {
    expect(() => opFromConfig({ op: 'frobnicate' })).toThrow(/ops: cannot rebuild op "frobnicate" from a saved config; known: .*matmul/);
    expect(() => opFromConfig({ op: 'weight', weight: 'dense/kernel' })).toThrow(/op 'weight' \(dense\/kernel\) reads a layer's weight/);
    expect(() => opFromConfig(null as never)).toThrow(/ops: expected an op config/);
  });
});
