// The string half of text vectorization: standardising a text and splitting it into tokens, as
// Keras's TextVectorization does before it looks tokens up. Pure functions of strings.

/** How a text is standardised before splitting (Keras's names); `null` leaves it as is. */
export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null;

/** How a standardised text is split into tokens; `null` makes the whole text one token. */
export type Split = 'whitespace' | 'character' | null;

/** The standardize modes, for validation and error messages. */
export const STANDARDIZE_MODES: readonly Standardize[] = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation', null];

/** The split modes, for validation and error messages. */
export const SPLIT_MODES: readonly Split[] = ['whitespace', 'character', null];

// Keras's DEFAULT_STRIP_REGEX: the ASCII punctuation !"#$%&()*+,-./:;<=>?@[\]^_`{|}~ and the quote '.
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
const WHITESPACE = /\s+/u;

/**
 * Standardises one text: lower-casing is Unicode's locale-independent `toLowerCase`; stripping
 * removes Keras's ASCII punctuation set (other characters, accents included, are kept).
 */
export function standardizeText(text: string, mode: Standardize): string {
  let out = text;
  if (mode === 'lower_and_strip_punctuation' || mode === 'lower') out = out.toLowerCase();
  if (mode === 'lower_and_strip_punctuation' || mode === 'strip_punctuation') out = out.replace(PUNCTUATION, '');
  return out;
}

/**
 * Splits a standardised text into tokens: `'whitespace'` on runs of Unicode white space (no
 * empty tokens), `'character'` into Unicode code points (spaces included, as Keras's
 * `unicode_split`), `null` into one token (none for the empty text).
 */
export function splitText(text: string, mode: Split): string[] {
  if (mode === 'whitespace') return text.split(WHITESPACE).filter((t) => t !== '');
  if (mode === 'character') return Array.from(text);
  return text === '' ? [] : [text];
}

/**
 * The vocabulary of `counts`: tokens by descending count, ties in ascending code-unit order
 * (deterministic in every runtime; Keras breaks ties in the reverse order), at most `limit` of them.
 */
export function rankTokens(counts: ReadonlyMap<string, number>, limit: number): string[] {
  const ranked = [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
  return ranked.slice(0, limit).map(([token]) => token);
}
