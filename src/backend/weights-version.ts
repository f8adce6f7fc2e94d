// A counter of writes to layer weights. Every path that writes weight memory (initialisers,
// setWeights, optimizer updates) bumps it, and a cache derived from weights (the packed Dense
// kernels of inference, src/layers/prepack.ts) compares it before each use, so no inference
// ever reads a stale copy. One counter for all weights: a layer shared by two models is trained
// through either, and a bump costs one increment per optimizer step.

let version = 0;

/** Records that some layer weight was (or is about to be) written. */
export function weightsChanged(): void {
  version++;
}

/** The current count of weight writes (compare with an earlier value: equal means unchanged). */
export function weightsVersion(): number {
  return version;
}
