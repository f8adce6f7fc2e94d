// Two composites written from ops against PyTorch (test/fixtures/composite/make.py): a masked
// attention layer (matmul, transpose flags, scaling, softmax with a key mask) and a VAE loss
// (reparameterised sample, Bernoulli reconstruction from logits, KL term). Outputs and gradients.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Input, Model, layers, ops, valueAndGrad, Tensor, type Shape } from '../../src/index.js';
import type { SymbolicTensor, Weight } from '../../src/layers/layer.js';
import { expectClose } from '../util.js';

type S = SymbolicTensor;
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/composite/composite.json', import.meta.url), 'utf8'));
const t = (data: number[], shape: number[]): Tensor => new Tensor(Float32Array.from(data), shape);

/** Single-head attention: softmax(Q Kᵀ / √dk, masked keys) V. */
class Attention extends layers.Layer {
  wq!: Weight;
  wk!: Weight;
  wv!: Weight;
  constructor(readonly dk: number) {
    super({}, 'attention');
  }
  override build(shapes: Shape[]): void {
    const d = shapes[0]!.at(-1)!;
    this.wq = this.addWeight('wq', [d, this.dk], { initializer: 'glorotUniform' });
    this.wk = this.addWeight('wk', [d, this.dk], { initializer: 'glorotUniform' });
    this.wv = this.addWeight('wv', [d, this.dk], { initializer: 'glorotUniform' });
  }
  override call([x, mask]: S[]): S {
    const q = ops.matmul(x!, this.wq);
    const k = ops.matmul(x!, this.wk);
    const v = ops.matmul(x!, this.wv);
    const scores = ops.div(ops.matmul(q, k, { transposeB: true }), Math.sqrt(this.dk));
    return ops.matmul(ops.softmax(scores, -1, mask), v);
  }
}

describe('PyTorch fixtures of composites built from ops', () => {
  test('masked attention layer: outputs and gradients', () => {
    const f = fixtures.attention;
    const { x: xs, w: ws, mask: ms, y: ys } = f.shapes;
    const x = t(f.x, xs);
    const mask = t(f.mask, ms);
    const att = new Attention(ws[1]);
    const inputs = [Input({ shape: xs.slice(1) }), Input({ shape: ms.slice(1) })];
    const model = new Model({ inputs, outputs: att.apply(inputs) as S });
    att.setWeights([t(f.wq, ws), t(f.wk, ws), t(f.wv, ws)]);
    const y = model.predict([x, mask]) as Tensor;
    expect(y.shape).toEqual(ys);
    expectClose(y.data, Float32Array.from(f.y), 'attention output', 1e-4, 1e-5);
    const g = valueAndGrad((a: S, m: S, r: S) => ops.sum(ops.mul(att.apply([a, m]) as S, r)), { wrt: [0, att.wq, att.wk, att.wv] })(x, mask, t(f.r, ys));
    expect(g.value).toBeCloseTo(f.loss, 4);
    ['dx', 'dwq', 'dwk', 'dwv'].forEach((name, i) => expectClose(g.grads[i]!.data, Float32Array.from(f[name]), `attention ${name}`, 1e-3, 1e-5));
  });

  test('VAE loss: reparameterisation, reconstruction and KL terms, gradients', () => {
    const f = fixtures.vae;
    const { x: xs, mean: ls, w: ws, b: bs } = f.shapes;
    class Decoder extends layers.Layer {
      w!: Weight;
      b!: Weight;
      override build(): void {
        this.w = this.addWeight('w', ws, { initializer: 'zeros' });
        this.b = this.addWeight('b', bs, { initializer: 'zeros' });
      }
      override call(z: S): S {
        return ops.matmul(z, this.w, { bias: this.b });
      }
    }
    const decoder = new Decoder();
    decoder.apply(Input({ shape: ls.slice(1) }));
    decoder.setWeights([t(f.w, ws), t(f.b, bs)]);
    const terms: { recon?: S; kl?: S } = {};
    const loss = (x: S, mean: S, logVar: S, eps: S): S => {
      const z = ops.add(mean, ops.mul(ops.exp(ops.mul(logVar, 0.5)), eps));
      const logits = decoder.apply(z) as S;
      // binary crossentropy from logits, stably: max(l, 0) - l x + log(1 + exp(-|l|))
      const bce = ops.add(ops.sub(ops.relu(logits), ops.mul(logits, x)), ops.log1p(ops.exp(ops.neg(ops.abs(logits)))));
      terms.recon = ops.mean(ops.sum(bce, -1));
      const klPerSample = ops.mul(ops.sum(ops.sub(ops.sub(ops.add(logVar, 1), ops.square(mean)), ops.exp(logVar)), -1), -0.5);
      terms.kl = ops.mean(klPerSample);
      return ops.add(terms.recon, terms.kl);
    };
    const g = valueAndGrad(loss, { wrt: [1, 2, decoder.w, decoder.b] })(t(f.x, xs), t(f.mean, ls), t(f.logVar, ls), t(f.eps, ls));
    expect(g.value).toBeCloseTo(f.loss, 4);
    ['dmean', 'dlogVar', 'dw', 'db'].forEach((name, i) => expectClose(g.grads[i]!.data, Float32Array.from(f[name]), `vae ${name}`, 1e-3, 1e-5));
    const parts = valueAndGrad((x: S, m: S, lv: S, e: S) => (loss(x, m, lv, e), terms.kl!), { wrt: [1] })(t(f.x, xs), t(f.mean, ls), t(f.logVar, ls), t(f.eps, ls));
    expect(parts.value).toBeCloseTo(f.kl, 4);
  });
});
