// padSequences: sequences of different lengths -> one [n, maxlen] tensor, as Keras's
// pad_sequences (defaults 'pre' padding and 'pre' truncating, value 0).
import { ValueError, showValue } from '../core/errors.js';
import { finite, integer, oneOf, optionsSchema } from '../core/options.js';
import { Tensor } from '../core/tensor.js';

/** Options of `text.padSequences`. */
export interface PadSequencesOptions {
  /** Length of every row. Default: the longest sequence's length. */
  maxlen?: number;
  /** Where the padding goes: before (`'pre'`, Keras's default) or after the values. */
  padding?: 'pre' | 'post';
  /** Which end a longer sequence loses: the start (`'pre'`, Keras's default) or the end. */
  truncating?: 'pre' | 'post';
  /** The padding value. Default 0. */
  value?: number;
}

const WHO = 'text.padSequences';

const schema = optionsSchema<PadSequencesOptions>()({
  maxlen: integer({ min: 0 }),
  padding: oneOf(['pre', 'post'], 'pre'),
  truncating: oneOf(['pre', 'post'], 'pre'),
  value: finite({ fallback: 0 }),
});

/**
 * Pads and truncates `sequences` (arrays or typed arrays of finite numbers, such as token ids) to
 * one length: a float32 Tensor [sequences.length, maxlen].
 *
 * ```ts
 * text.padSequences([[1, 2, 3], [4]], { maxlen: 2 });                    // [[2, 3], [0, 4]]
 * text.padSequences([[1, 2, 3], [4]], { padding: 'post', truncating: 'post' }); // [[1, 2, 3], [4, 0, 0]]
 * ```
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadSequencesOptions = {}): Tensor {
  const { maxlen, padding, truncating, value } = schema.parse(WHO, options);
  if (!Array.isArray(sequences)) throw new ValueError(`${WHO}: expected an array of sequences (arrays of numbers), got ${showValue(sequences)}`);
  sequences.forEach((seq, i) => checkSequence(seq, i));
  const length = maxlen ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  const out = new Float32Array(sequences.length * length).fill(value);
  sequences.forEach((seq, i) => {
    const kept = Math.min(seq.length, length);
    const from = truncating === 'pre' ? seq.length - kept : 0;
    const to = padding === 'pre' ? length - kept : 0;
    for (let j = 0; j < kept; j++) out[i * length + to + j] = seq[from + j]!;
  });
  return new Tensor(out, [sequences.length, length]);
}

function checkSequence(seq: ArrayLike<number>, i: number): void {
  const isSequence = Array.isArray(seq) || (ArrayBuffer.isView(seq) && !(seq instanceof DataView));
  if (!isSequence) throw new ValueError(`${WHO}: sequences[${i}] must be an array of numbers, got ${showValue(seq)}`);
  for (let j = 0; j < seq.length; j++) {
    const v = seq[j];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${WHO}: sequences[${i}][${j}] must be a finite number, got ${typeof v === 'number' ? String(v) : showValue(v)}`);
  }
}
