// A Transformer encoder block wired from built-in layers with the functional API (the same
// composition as keras_hub's TransformerEncoder and torch.nn.TransformerEncoderLayer):
//
//   post-norm (normFirst false, the default of both):  x = norm(x + drop(mha(x, x)));  x = norm(x + drop(ff(x)))
//   pre-norm  (normFirst true):                        x = x + drop(mha(norm(x)));     x = x + drop(ff(norm(x)))
//
// with ff = dense(intermediateDim, activation) -> dense(width). With `causal` every position
// attends only to itself and earlier ones, which makes the block a decoder-only (GPT-style)
// block for language models. `transformerDecoderBlock` (keras_hub's TransformerDecoder,
// torch.nn.TransformerDecoderLayer) adds cross-attention to an encoder's output between the
// causal self-attention and the feed-forward layer. Its weights are those of its layers, so io.save / io.load, setWeights
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

/** The pieces both blocks are made of, for one block's options and width. */
function blockParts(who: string, width: number, o: TransformerBlockOptions) {
  if (width % o.numHeads !== 0) throw new RangeError(`${who}: width ${width} must be divisible by numHeads ${o.numHeads}`);
  const rate = o.dropout ?? 0;
  const epsilon = o.epsilon ?? 1e-5;
  const drop = (t: SymbolicTensor): SymbolicTensor => (rate > 0 ? layers.dropout({ rate }).apply(t) : t);
  const norm = (t: SymbolicTensor): SymbolicTensor => layers.layerNormalization({ epsilon }).apply(t);
  const attention = () => layers.multiHeadAttention({ numHeads: o.numHeads, keyDim: width / o.numHeads, dropout: rate });
  const feedForward = (t: SymbolicTensor): SymbolicTensor => {
    const inner = layers.dense({ units: o.intermediateDim, activation: o.activation ?? 'relu' }).apply(t);
    return layers.dense({ units: width }).apply(inner);
  };
  /** A residual sub-block: x + drop(f(norm(x))) (pre-norm) or norm(x + drop(f(x))) (post-norm). */
  const residual = (t: SymbolicTensor, f: (u: SymbolicTensor) => SymbolicTensor): SymbolicTensor =>
    o.normFirst === true ? layers.add().apply([t, drop(f(norm(t)))]) : norm(layers.add().apply([t, drop(f(t))]));
  const mask = o.attentionMask !== undefined ? { attentionMask: o.attentionMask } : {};
  return { attention, feedForward, residual, mask };
}

/** Applies one encoder block to `x` ([*, time, width]); returns [*, time, width]. */
export function transformerEncoderBlock(x: SymbolicTensor, o: TransformerBlockOptions): SymbolicTensor {
  const { attention, feedForward, residual, mask } = blockParts('transformerEncoderBlock', x.shape[x.shape.length - 1]!, o);
  const self = attention();
  const h = residual(x, (t) => self.apply([t, t], { useCausalMask: o.causal ?? false, ...mask }));
  return residual(h, feedForward);
}

/**
 * Applies one decoder block to `x` ([*, time, width]) attending to `encoderOutput`
 * ([*, sourceTime, sourceWidth]): causal self-attention, cross-attention (query: the decoder,
 * keys and values: the encoder's output; `attentionMask` masks the source steps), feed-forward.
 */
export function transformerDecoderBlock(x: SymbolicTensor, encoderOutput: SymbolicTensor, o: TransformerBlockOptions): SymbolicTensor {
  const { attention, feedForward, residual, mask } = blockParts('transformerDecoderBlock', x.shape[x.shape.length - 1]!, o);
  const self = attention();
  const cross = attention();
  let h = residual(x, (t) => self.apply([t, t], { useCausalMask: true }));
  h = residual(h, (t) => cross.apply([t, encoderOutput], mask));
  return residual(h, feedForward);
}
