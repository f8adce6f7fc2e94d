// Dense, Conv2D, BatchNormalization and LayerNormalization written again from ops in custom
// layers: the same outputs and the same gradients (inputs and weights) as the built-in layers
// with their fused hand-written backward, weights copied with setWeights.
import { describe, expect, test } from 'vitest';
import { Input, Model, layers, ops, valueAndGrad, Tensor, type Shape } from '../../src/index.js';
import type { SymbolicTensor, Weight } from '../../src/layers/layer.js';
import { expectClose } from '../util.js';
import { rand } from './gradcheck.js';

type S = SymbolicTensor;

class OpsDense extends layers.Layer {
  kernel!: Weight;
  bias!: Weight;
  constructor(readonly units: number) {
    super({}, 'ops_dense');
  }
  override build(shape: Shape): void {
    this.kernel = this.addWeight('kernel', [shape.at(-1)!, this.units], { initializer: 'glorotUniform' });
    this.bias = this.addWeight('bias', [this.units], { initializer: 'zeros' });
  }
  override call(x: S): S {
    return ops.matmul(x, this.kernel, { bias: this.bias });
  }
}

class OpsConv2D extends layers.Layer {
  kernel!: Weight;
  bias!: Weight;
  constructor(readonly filters: number) {
    super({}, 'ops_conv2d');
  }
  override build(shape: Shape): void {
    this.kernel = this.addWeight('kernel', [3, 3, shape.at(-1)!, this.filters], { initializer: 'glorotUniform' });
    this.bias = this.addWeight('bias', [this.filters], { initializer: 'zeros' });
  }
  override call(x: S): S {
    return ops.relu(ops.conv2d(x, this.kernel, { strides: 2, padding: 'same', bias: this.bias }));
  }
}

/** (x - mean) / sqrt(var + eps) * gamma + beta with statistics over `axes`. */
function normalize(x: S, axes: number | number[], gamma: Weight, beta: Weight): S {
  const mean = ops.mean(x, axes, true);
  const variance = ops.variance(x, axes, true);
  return ops.add(ops.mul(ops.mul(ops.sub(x, mean), ops.rsqrt(ops.add(variance, 1e-3))), gamma), beta);
}

class OpsNorm extends layers.Layer {
  gamma!: Weight;
  beta!: Weight;
  constructor(readonly batch: boolean) {
    super({}, batch ? 'ops_batch_norm' : 'ops_layer_norm');
  }
  override build(shape: Shape): void {
    this.gamma = this.addWeight('gamma', [shape.at(-1)!], { initializer: 'ones' });
    this.beta = this.addWeight('beta', [shape.at(-1)!], { initializer: 'zeros' });
  }
  override call(x: S): S {
    // batch norm (training statistics): every axis but the channels, the batch axis included
    return normalize(x, this.batch ? [0, 1, 2] : -1, this.gamma, this.beta);
  }
}

/** Outputs (inference) and gradients (`training`) of both layers on x agree. */
function compare(builtIn: layers.Layer, custom: layers.Layer, x: Tensor, training: boolean, outputs: boolean): void {
  const apply = (l: layers.Layer): Tensor => {
    const input = Input({ shape: x.shape.slice(1) });
    return new Model({ inputs: input, outputs: l.apply(input) as S }).predict(x) as Tensor;
  };
  const yb = apply(builtIn);
  const weights = builtIn.getWeights();
  custom.apply(Input({ shape: x.shape.slice(1) }));
  custom.setWeights(weights.slice(0, custom.weights.length));
  if (outputs) expectClose(apply(custom).data, yb.data, `${custom.name} output`, 1e-4, 1e-5);
  const r = rand([x.shape[0]!, ...yb.shape.slice(1)], 5);
  const grads = (l: layers.Layer) => valueAndGrad((a: S, b: S) => ops.sum(ops.mul(l.apply(a) as S, b)), { wrt: [0, ...l.trainableWeights], training })(x, r);
  const gb = grads(builtIn);
  const gc = grads(custom);
  expect(gc.value).toBeCloseTo(gb.value, 3);
  gb.grads.forEach((g, i) => expectClose(gc.grads[i]!.data, g.data, `${custom.name} gradient ${i}`, 1e-3, 1e-4));
}

describe('built-in layers rebuilt from ops', () => {
  test('Dense', () => {
    compare(layers.dense({ units: 7 }), new OpsDense(7), rand([3, 5], 1), true, true);
    compare(layers.dense({ units: 3 }), new OpsDense(3), rand([3, 4, 5], 2), true, true);
  });
  test('Conv2D (stride 2, same padding, relu)', () => {
    compare(layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' }), new OpsConv2D(5), rand([3, 7, 5, 3], 3), true, true);
  });
  test('BatchNormalization (training: batch statistics)', () => {
    const bn = layers.batchNormalization({ gammaInitializer: 'glorotUniform', betaInitializer: 'glorotUniform' });
    compare(bn, new OpsNorm(true), rand([3, 5, 3, 7], 4), true, false);
  });
  test('BatchNormalization through ops.batchNormalization with batch statistics', () => {
    class OpsBn extends OpsNorm {
      override call(x: S): S {
        const axes = [0, 1, 2];
        return ops.batchNormalization(x, { mean: ops.mean(x, axes, true), variance: ops.variance(x, axes, true), gamma: this.gamma, beta: this.beta });
      }
    }
    const bn = layers.batchNormalization({ gammaInitializer: 'glorotUniform', betaInitializer: 'glorotUniform' });
    compare(bn, new OpsBn(true), rand([3, 5, 3, 7], 6), true, false);
  });
  test('LayerNormalization, as ops and as the layerNormalization op', () => {
    const ln = layers.layerNormalization({ gammaInitializer: 'glorotUniform', betaInitializer: 'glorotUniform' });
    compare(ln, new OpsNorm(false), rand([3, 5, 7], 5), true, true);
    class FusedLn extends OpsNorm {
      override call(x: S): S {
        return ops.layerNormalization(x, { gamma: this.gamma, beta: this.beta });
      }
    }
    compare(ln, new FusedLn(false), rand([3, 5, 7], 5), true, true);
  });
});
