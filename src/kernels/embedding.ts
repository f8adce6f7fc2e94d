// Bindings of assembly/embedding.ts: row gather (with id validation) and scatter-add.
import { wasm } from './exports.js';

/**
 * y[i, :] = table[ids[i], :] for i < n; returns -1, or the index of the first id that is not an
 * integer in [0, inputDim) (the rows from it on are not written).
 */
export function embeddingForward(y: number, ids: number, table: number, n: number, dim: number, inputDim: number): number {
  return wasm().f32_embedding_forward(y, ids, table, n, dim, inputDim);
}

/** dtable[ids[i], :] += dy[i, :] for i < n. */
export function embeddingBackward(dtable: number, dy: number, ids: number, n: number, dim: number): void {
  wasm().f32_embedding_backward(dtable, dy, ids, n, dim);
}
