// A Transformer encoder block wired from built-in layers with the functional API (the same
// composition as keras_hub's TransformerEncoder and torch.nn.TransformerEncoderLayer):
//
//   post-norm (normFirst false, the default of both):  x = norm(x + drop(mha(x, x)));  x = norm(x + drop(ff(x)))
//   pre-norm  (normFirst true):                        x = x + drop(mha(norm(x)));     x = x + drop(ff(norm(x)))
//
// with ff = dense(intermediateDim, activation) -> dense(width). With `causal` every position
// attends only to itself and earlier ones, which makes the block a decoder-only (GPT-style)
// block for language models. Its weights are those of its layers, so io.save / io.load, setWeights
// and summary work as for any functional model.
import { layers } from '../../src/api.js';

type SymbolicTensor = layers.SymbolicTensor;

/** Options of `transformerEncoderBlock`. */
export interface TransformerBlockOptions {
  numHeads: number;
  /** Width of the feed-forward layer (torch's dim_feedforward). */
  intermediateDim: number;
  /** Dropout after attention and after the feed-forward layer, and on the attention probabilities. Default 0. */
  dropout?: number;
  /** Pre-norm (normalise before each sub-block) instead of post-norm. Default false. */
  normFirst?: boolean;
  /** Causal self-attention (language models). Default false. */
  causal?: boolean;
  /** Feed-forward activation. Default 'relu'. */
  activation?: 'relu' | 'gelu';
  /** Layer-norm epsilon; default 1e-5 (torch and keras_hub). */
  epsilon?: number;
  /** Per-sample [time] or [time, time] attention mask input (1 = attend), e.g. key padding. */
  attentionMask?: SymbolicTensor;
}

/** Applies one encoder block to `x` ([*, time, width]); returns [*, time, width]. */
export function transformerEncoderBlock(x: SymbolicTensor, o: TransformerBlockOptions): SymbolicTensor {
  const width = x.shape[x.shape.length - 1]!;
  if (width % o.numHeads !== 0) throw new RangeError(`transformerEncoderBlock: width ${width} must be divisible by numHeads ${o.numHeads}`);
  const rate = o.dropout ?? 0;
  const epsilon = o.epsilon ?? 1e-5;
  const drop = (t: SymbolicTensor): SymbolicTensor => (rate > 0 ? layers.dropout({ rate }).apply(t) : t);
  const norm = (t: SymbolicTensor): SymbolicTensor => layers.layerNormalization({ epsilon }).apply(t);

  const mha = layers.multiHeadAttention({ numHeads: o.numHeads, keyDim: width / o.numHeads, dropout: rate });
  const attend = (t: SymbolicTensor): SymbolicTensor =>
    mha.apply([t, t], { useCausalMask: o.causal ?? false, ...(o.attentionMask !== undefined ? { attentionMask: o.attentionMask } : {}) });
  const feedForward = (t: SymbolicTensor): SymbolicTensor =>
    layers.dense({ units: width }).apply(layers.dense({ units: o.intermediateDim, activation: o.activation ?? 'relu' }).apply(t));

  if (o.normFirst === true) {
    const h = layers.add().apply([x, drop(attend(norm(x)))]);
    return layers.add().apply([h, drop(feedForward(norm(h)))]);
  }
  const h = norm(layers.add().apply([x, drop(attend(x))]));
  return norm(layers.add().apply([h, drop(feedForward(h))]));
}
