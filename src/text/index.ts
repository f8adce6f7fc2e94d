// `text.*`: turning texts into ids for Embedding layers (TextVectorization, as in Keras) and
// padding sequences of ids to one length (pad_sequences).
export { TextVectorization, textVectorization, type TextVectorizationConfig } from './vectorization.js';
export { padSequences, type PadSequencesOptions } from './pad.js';
export type { Split, Standardize } from './tokenize.js';
