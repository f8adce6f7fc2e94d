// The call arguments of multi-head attention (Keras's `query`, `value`, `key`, `attention_mask`,
// `use_causal_mask`, `return_attention_scores`), checked and resolved into the node's inputs, and
// the key padding mask that the value (or key) carries from `maskZero` / `masking`.
import { ShapeError, ValueError } from '../core/errors.js';
import { SymbolicTensor } from './layer.js';
import { formatSample } from './layer-helpers.js';

/** Per-call options of `MultiHeadAttention.apply` / `applyAll` (Keras's call arguments). */
export interface MultiHeadAttentionCallOptions {
  /** Per sample [Tq, Tk] (or [Tk], the same for every query): 1 = attend, 0 = masked. */
  attentionMask?: SymbolicTensor;
  useCausalMask?: boolean;
  /**
   * Adds a second output, the attention probabilities [*, numHeads, Tq, Tk] (after the softmax
   * and its masks, before dropout, as Keras): read both with `applyAll`, which returns
   * `[output, scores]` (`apply` returns the output). Like `useCausalMask`, it is kept in the
   * layer's config, so a shared layer cannot change it between calls.
   */
  returnAttentionScores?: boolean;
}

/** The flags a call may set, as kept in the layer's config. */
export interface AttentionCallFlags {
  useCausalMask?: boolean | undefined;
  returnAttentionScores?: boolean | undefined;
}

const CALL_OPTIONS = ['attentionMask', 'useCausalMask', 'returnAttentionScores'] as const;

/**
 * The node's inputs `[query, value, key]` or `[query, value, key, attentionMask]` from `apply`'s
 * arguments (a fourth tensor in the list is the attention mask: how saved graphs reload); sets the
 * call's flags in `flags` (the layer's config), refusing a change once the layer is `built`.
 */
export function attentionInputs(name: string, inputs: SymbolicTensor | readonly SymbolicTensor[], options: MultiHeadAttentionCallOptions, flags: AttentionCallFlags, built: boolean): SymbolicTensor[] {
  if (options === null || typeof options !== 'object') throw new ValueError(`${name}.apply: options must be an object, got ${String(options)}`);
  const unknown = Object.keys(options).filter((key) => !(CALL_OPTIONS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ValueError(`${name}.apply: unknown option ${unknown.join(', ')}; expected ${CALL_OPTIONS.join(', ')}`);
  const list = inputs instanceof SymbolicTensor ? [inputs] : inputs;
  if (!Array.isArray(list) || list.length < 2 || list.length > 4) {
    throw new ValueError(`${name}: expects [query, value] or [query, value, key] (Keras's order), got ${Array.isArray(list) ? `${list.length} input${list.length === 1 ? '' : 's'}` : 'one tensor'}`);
  }
  if (!list.every((t) => t instanceof SymbolicTensor)) throw new ValueError(`${name}: query, value and key must be SymbolicTensors (from Input() or another layer)`);
  const [query, value, key = value, listMask] = list as SymbolicTensor[];
  const mask = options.attentionMask ?? listMask;
  if (options.attentionMask !== undefined && listMask !== undefined) throw new ValueError(`${name}: the attention mask is given twice (a fourth input and attentionMask)`);
  if (mask !== undefined && !(mask instanceof SymbolicTensor)) throw new ValueError(`${name}: attentionMask must be a SymbolicTensor (from Input() or another layer)`);
  for (const flag of ['useCausalMask', 'returnAttentionScores'] as const) {
    const given = options[flag];
    if (given === undefined) continue;
    if (typeof given !== 'boolean') throw new ValueError(`${name}.apply: ${flag} must be true or false, got ${String(given)}`);
    const current = flags[flag] ?? false;
    if (built && current !== given) throw new ValueError(`${name}: was called with ${flag} ${current}; a shared layer cannot change it between calls`);
    flags[flag] = given;
  }
  return mask === undefined ? [query!, value!, key!] : [query!, value!, key!, mask];
}

/**
 * The padding mask of the keys: the mask the value carries ([*, Tk] of 1/0, Keras's value_mask),
 * or the key's when only it has one; undefined when neither has. Throws when value and key
 * carry different masks (combine them into one attentionMask instead).
 */
export function keyPaddingMask(name: string, value: SymbolicTensor, key: SymbolicTensor): SymbolicTensor | undefined {
  const vm = value.mask;
  const km = key.mask;
  if (vm !== undefined && km !== undefined && vm !== km) {
    throw new ValueError(`${name}: value and key carry different masks; give one padding mask (as attentionMask [*, ${value.shape[0]}]) instead`);
  }
  const m = vm ?? km;
  if (m !== undefined && (!m.batched || m.shape.length !== 1 || m.shape[0] !== value.shape[0])) {
    throw new ShapeError(`${name}: the value's mask must be [*, ${value.shape[0]}] (one entry per key step), got ${m.batched ? formatSample(m.shape) : `[${m.shape.join(', ')}] without batch axis`}`);
  }
  return m;
}
