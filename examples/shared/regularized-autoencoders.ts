// Sparse and contractive autoencoders (the course's regularised autoencoders) beside a plain one,
// shared by examples/regularized-autoencoders.ts and its test. All three: 784 -> code (sigmoid)
// -> 784 (sigmoid). Sparse: an L1 activity penalty on the code (Keras's activity_regularizer).
// Contractive: a custom layer whose call adds the closed-form penalty of a sigmoid encoder,
// lambda * ||dh/dx||_F^2 = lambda * sum_j (h_j (1 - h_j))^2 * sum_i W_ij^2 (per sample, averaged).
import { Input, Model, layers, ops, optimizers, regularizers, type Shape, type SymbolicTensor, type Tensor, type Weight } from '../../src/api.js';

/** The kinds of autoencoder this file builds. */
export type RegularizedKind = 'plain' | 'sparse' | 'contractive';

/** A sigmoid dense encoder that adds its contractive penalty as a loss term. */
export class ContractiveEncoder extends layers.Layer<{ units: number; lambda: number; name?: string }> {
  static readonly className = 'ContractiveEncoder';
  kernel!: Weight;
  bias!: Weight;
  override build(shape: Shape): void {
    this.kernel = this.addWeight('kernel', [shape.at(-1)!, this.getConfig().units as number], { initializer: 'glorotUniform' });
    this.bias = this.addWeight('bias', [this.getConfig().units as number], { initializer: 'zeros' });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    const h = ops.sigmoid(ops.add(ops.matmul(x, this.kernel), this.bias));
    const slope = ops.mul(h, ops.sub(1, h));
    const columnNorms = ops.sum(ops.square(this.kernel), 0); // sum_i W_ij^2, per code unit
    const jacobian = ops.sum(ops.mul(ops.square(slope), columnNorms), -1); // ||J||_F^2 per sample
    this.addLoss(ops.mul(this.getConfig().lambda as number, ops.mean(jacobian)));
    return h;
  }
}
layers.registerLayer(ContractiveEncoder);

/** The autoencoder of `kind` and its encoder (the same layers), compiled with Adam and MSE. */
export function regularizedAutoencoder(kind: RegularizedKind, { code = 64, seed = 42, l1 = 1e-4, lambda = 0.1 } = {}): { model: Model; encoder: Model } {
  const input = Input({ shape: [28, 28, 1] });
  const flat = layers.flatten().apply(input);
  const h =
    kind === 'contractive'
      ? new ContractiveEncoder({ units: code, lambda }).apply(flat)
      : layers.dense({ units: code, activation: 'sigmoid', name: `${kind}_code`, ...(kind === 'sparse' ? { activityRegularizer: regularizers.l1(l1) } : {}) }).apply(flat);
  const out = layers.reshape({ targetShape: [28, 28, 1] }).apply(layers.dense({ units: 784, activation: 'sigmoid' }).apply(h));
  const model = new Model({ inputs: input, outputs: out, seed, name: `${kind}_autoencoder` });
  model.compile({ optimizer: optimizers.adam({ learningRate: 2e-3 }), loss: 'meanSquaredError' });
  return { model, encoder: new Model({ inputs: input, outputs: h, name: `${kind}_encoder` }) };
}

/** Mean code activation, and the fraction of activations below 0.1 (sparsity). */
export function codeStatistics(codes: Tensor): { mean: number; nearZero: number } {
  let sum = 0;
  let small = 0;
  for (const v of codes.data) {
    sum += v;
    if (v < 0.1) small++;
  }
  return { mean: sum / codes.size, nearZero: small / codes.size };
}

/**
 * Mean over the images of ||dh/dx||_F^2 of a sigmoid encoder with kernel `w` ([784, code]) at
 * codes `h` ([n, code]): the quantity the contractive penalty shrinks, for every kind.
 */
export function jacobianNorm(codes: Tensor, kernel: Tensor): number {
  const [inputs, units] = kernel.shape as [number, number];
  const column = new Float64Array(units);
  for (let i = 0; i < inputs; i++) for (let j = 0; j < units; j++) column[j]! += kernel.data[i * units + j]! ** 2;
  const n = codes.shape[0]!;
  let total = 0;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < units; j++) {
      const h = codes.data[r * units + j]!;
      total += (h * (1 - h)) ** 2 * column[j]!;
    }
  }
  return total / n;
}
