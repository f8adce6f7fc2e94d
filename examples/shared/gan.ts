// A GAN (Goodfellow et al. 2014) as a model with its own trainStep (Keras 3's
// "overriding train_step" pattern): each batch of real samples makes one discriminator update
// (real -> 1, generated -> 0) and one generator update (non-saturating loss: generated -> 1),
// each with its own optimizer through `valueAndGrad` and `applyGradients`; no `trainable`
// toggling. The model's own graph is the discriminator (fit feeds it real samples; predict gives
// its logits); the generator is a field. Shared by examples/dcgan.ts and the toy test.
import { applyGradients, Input, losses, Model, ops, optimizers, Rng, tensor, valueAndGrad, type SymbolicTensor, type Tensor, type Weight } from '../../src/api.js';

/** Options of `Gan`. */
export interface GanOptions {
  /** Size of the generator's input noise z ~ N(0, I). */
  latent: number;
  /** Adam learning rate of both optimizers (default 2e-4, beta1 0.5 as in DCGAN). */
  learningRate?: number;
  seed?: number;
}

type Step = (...args: Tensor[]) => { value: number; grads: Tensor[] };

export class Gan extends Model {
  readonly generator: Model;
  readonly discriminator: Model;
  readonly latent: number;
  private readonly dOptimizer;
  private readonly gOptimizer;
  private readonly rng: Rng;
  private readonly dWeights: Weight[];
  private readonly gWeights: Weight[];
  private readonly dStep: Step;
  private readonly gStep: Step;
  /** Targets of ones and zeros per batch size (made once per size). */
  private readonly targets = new Map<number, { ones: Tensor; zeros: Tensor }>();

  /** `generator`: z [latent] -> a sample; `discriminator`: a sample -> one logit. */
  constructor(generator: Model, discriminator: Model, sampleShape: readonly number[], { latent, learningRate = 2e-4, seed = 42 }: GanOptions) {
    const x = Input({ shape: [...sampleShape] });
    super({ inputs: x, outputs: discriminator.apply(x), name: 'gan' });
    this.generator = generator;
    this.discriminator = discriminator;
    this.latent = latent;
    this.rng = new Rng(seed);
    this.dOptimizer = optimizers.adam({ learningRate, beta1: 0.5 });
    this.gOptimizer = optimizers.adam({ learningRate, beta1: 0.5 });
    this.dWeights = discriminator.trainableWeights;
    this.gWeights = generator.trainableWeights;
    const bce = losses.binaryCrossentropy({ fromLogits: true });
    this.dStep = valueAndGrad(
      (real: SymbolicTensor, fake: SymbolicTensor, ones: SymbolicTensor, zeros: SymbolicTensor) =>
        ops.add(ops.loss(bce, ones, discriminator.apply(real)), ops.loss(bce, zeros, discriminator.apply(fake))),
      { wrt: this.dWeights, training: true, seed },
    );
    this.gStep = valueAndGrad(
      (z: SymbolicTensor, ones: SymbolicTensor) => ops.loss(bce, ones, discriminator.apply(generator.apply(z))),
      { wrt: this.gWeights, training: true, seed: seed + 1 },
    );
  }

  /** n draws of z ~ N(0, I) from the GAN's generator stream (or from `seed`). */
  noise(n: number, seed?: number): Tensor {
    return ops.randomNormal([n, this.latent], 0, 1, seed === undefined ? { rng: this.rng } : { seed });
  }

  private targetsFor(n: number): { ones: Tensor; zeros: Tensor } {
    let t = this.targets.get(n);
    if (t === undefined) this.targets.set(n, (t = { ones: tensor(new Float32Array(n).fill(1), [n, 1]), zeros: tensor(new Float32Array(n), [n, 1]) }));
    return t;
  }

  /** One discriminator and one generator update; logs `dLoss` (real + fake terms) and `gLoss`. */
  override trainStep(x: Tensor | readonly Tensor[]): number {
    const real = x instanceof Array ? x[0]! : (x as Tensor);
    const n = real.shape[0]!;
    const { ones, zeros } = this.targetsFor(n);
    // The generated batch comes from predict: the discriminator's step needs no backward through the generator.
    const fake = this.generator.predict(this.noise(n), { batchSize: n }) as Tensor;
    const d = this.dStep(real, fake, ones, zeros);
    applyGradients(this.dOptimizer, d.grads, this.dWeights);
    const g = this.gStep(this.noise(n), ones);
    applyGradients(this.gOptimizer, g.grads, this.gWeights);
    return { dLoss: d.value, gLoss: g.value } as unknown as number; // fit averages every field of the object
  }

  /** The discriminator's accuracy on real samples (logit > 0) and on as many generated ones (logit < 0). */
  discriminatorAccuracy(real: Tensor, seed: number): number {
    const n = real.shape[0]!;
    const fake = this.generator.predict(this.noise(n, seed), { batchSize: 256 }) as Tensor;
    const onReal = this.discriminator.predict(real, { batchSize: 256 }) as Tensor;
    const onFake = this.discriminator.predict(fake, { batchSize: 256 }) as Tensor;
    let right = 0;
    for (let i = 0; i < n; i++) right += (onReal.data[i]! > 0 ? 1 : 0) + (onFake.data[i]! < 0 ? 1 : 0);
    return right / (2 * n);
  }
}
