// Embedding lookup: integer ids (stored as f32) select rows of a [inputDim, dim] table.
// The forward validates every id as it gathers (one compare per id, no extra pass), so the
// layer can throw naming the bad id without scanning the input in JS.
import { addRow } from './geometry';

/**
 * y[i, :] = table[ids[i], :] for i < n (rows of `dim` floats). Returns -1 when every id is an
 * integer in [0, inputDim), else the index of the first one that is not (rows from it on are
 * left unwritten).
 */
export function f32_embedding_forward(y: usize, ids: usize, table: usize, n: i32, dim: i32, inputDim: i32): i32 {
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = load<f32>(ids + (<usize>i << 2));
    // NaN fails both compares; a non-integer fails the truncation round trip.
    if (!(id >= 0 && id < <f32>inputDim) || <f32>(<i32>id) != id) return i;
    memory.copy(y + <usize>i * rowBytes, table + <usize>(<i32>id) * rowBytes, rowBytes);
  }
  return -1;
}

/** dtable[ids[i], :] += dy[i, :] for i < n (ids already validated by the forward). */
export function f32_embedding_backward(dtable: usize, dy: usize, ids: usize, n: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = <i32>load<f32>(ids + (<usize>i << 2));
    addRow(dtable + <usize>id * rowBytes, dy + <usize>i * rowBytes, dim);
  }
}
