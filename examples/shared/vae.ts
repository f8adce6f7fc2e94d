// A variational autoencoder (Kingma & Welling 2014) with a custom trainStep: a dense encoder to
// (mean, logVar) of a Gaussian over a small latent space, the reparameterisation trick
// z = mean + exp(logVar / 2) * eps with eps drawn by the seeded generator and passed in as an
// argument of the traced loss, and a dense decoder. The model itself is the decoder (predict(z)
// decodes), holding the encoder as a field. Shared by examples/vae.ts and its test.
import { applyGradients, Input, layers, losses, Model, ops, optimizers, Rng, valueAndGrad, type SymbolicTensor, type Tensor, type Weight } from '../../src/api.js';

/** Options of `Vae`. */
export interface VaeOptions {
  latent?: number;
  hidden?: number;
  learningRate?: number;
  seed?: number;
}

/** The encoder (images -> [mean, logVar]) and the decoder (z -> images) as models of their own. */
function vaeParts(latent: number, hidden: number, seed: number): { encoder: Model; decoder: Model } {
  const x = Input({ shape: [28, 28, 1] });
  const e = layers.dense({ units: hidden, activation: 'relu' }).apply(layers.flatten().apply(x));
  const mean = layers.dense({ units: latent, name: 'z_mean' }).apply(e);
  const logVar = layers.dense({ units: latent, name: 'z_log_var' }).apply(e);
  const encoder = new Model({ inputs: x, outputs: [mean, logVar], seed, name: 'vae_encoder' });
  const z = Input({ shape: [latent] });
  const h = layers.dense({ units: hidden, activation: 'relu' }).apply(z);
  const pixels = layers.dense({ units: 784, activation: 'sigmoid' }).apply(h);
  const decoder = new Model({ inputs: z, outputs: layers.reshape({ targetShape: [28, 28, 1] }).apply(pixels), seed: seed + 1, name: 'vae_decoder' });
  return { encoder, decoder };
}

/**
 * The VAE as a model of images: `predict(x)` reconstructs from the latent mean (no sampling);
 * `decoder.predict(z)` decodes, `encoder.predict(x)` gives [mean, logVar]. `fit` runs the
 * custom trainStep, which logs `loss` (the negative ELBO) and `kl`.
 */
export class Vae extends Model {
  readonly encoder: Model;
  readonly decoder: Model;
  readonly latent: number;
  private readonly vaeOptimizer;
  private readonly rng: Rng;
  private readonly weightList: Weight[];
  private readonly step: (x: Tensor, eps: Tensor) => { value: number; grads: Tensor[] };

  constructor({ latent = 2, hidden = 256, learningRate = 1e-3, seed = 42 }: VaeOptions = {}) {
    const { encoder, decoder } = vaeParts(latent, hidden, seed);
    const x = Input({ shape: [28, 28, 1] });
    super({ inputs: x, outputs: decoder.apply(encoder.applyAll(x)[0]!), name: 'vae' });
    this.encoder = encoder;
    this.decoder = decoder;
    this.latent = latent;
    this.rng = new Rng(seed + 2);
    this.vaeOptimizer = optimizers.adam({ learningRate });
    this.weightList = [...encoder.trainableWeights, ...decoder.trainableWeights];
    const bce = losses.binaryCrossentropy();
    this.step = valueAndGrad((xs: SymbolicTensor, eps: SymbolicTensor) => {
      const [m, lv] = this.encoder.applyAll(xs) as [SymbolicTensor, SymbolicTensor];
      const zs = ops.add(m, ops.mul(ops.exp(ops.mul(lv, 0.5)), eps));
      // Per image: the sum over pixels of the binary crossentropy (the loss averages over them).
      const reconstruction = ops.mul(ops.loss(bce, xs, decoder.apply(zs)), 784);
      const kl = ops.mul(ops.mean(ops.sub(ops.add(lv, 1), ops.add(ops.square(m), ops.exp(lv)))), -0.5 * latent);
      return ops.add(reconstruction, kl);
    }, { wrt: this.weightList });
  }

  /** One update on a batch; logs the negative ELBO (`loss`) and its KL part, per image in nats. */
  override trainStep(x: Tensor | readonly Tensor[]): number {
    const xs = x instanceof Array ? x[0]! : (x as Tensor);
    const n = xs.shape[0]!;
    const kl = this.klDivergence(xs);
    const eps = ops.randomNormal([n, this.latent], 0, 1, { rng: this.rng });
    const { value, grads } = this.step(xs, eps);
    applyGradients(this.vaeOptimizer, grads, this.weightList);
    return { loss: value, kl } as unknown as number; // fit averages every field of the object
  }

  /** Mean over the batch of KL(q(z|x) || N(0, I)), in nats (before this step's update). */
  klDivergence(x: Tensor): number {
    const [m, lv] = this.encoder.predict(x, { batchSize: 256 }) as unknown as [Tensor, Tensor];
    return this.kl(m, lv, x.shape[0]!);
  }

  private kl(m: Tensor, lv: Tensor, n: number): number {
    const terms = ops.sub(ops.add(ops.exp(lv), ops.square(m)), ops.add(lv, 1));
    return (0.5 * ops.sum(terms).data[0]!) / n;
  }

  /** The ELBO per image (nats; higher is better) of a batch, one sample of z per image, computed with ops like the training loss. */
  elbo(x: Tensor, seed: number): { elbo: number; kl: number; reconstruction: number } {
    const n = x.shape[0]!;
    const [m, lv] = this.encoder.predict(x, { batchSize: 256 }) as unknown as [Tensor, Tensor];
    const eps = ops.randomNormal([n, this.latent], 0, 1, { seed });
    const z = ops.add(m, ops.mul(ops.exp(ops.mul(lv, 0.5)), eps));
    const reconstruction = 784 * ops.loss(losses.binaryCrossentropy(), x, this.decoder.predict(z, { batchSize: 256 }) as Tensor);
    const kl = this.kl(m, lv, n);
    return { elbo: -(reconstruction + kl), kl, reconstruction };
  }
}
