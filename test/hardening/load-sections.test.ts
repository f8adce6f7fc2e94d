// P1 (issue 15): io.load checks every section of a saved model against the architecture, not only
// the checksum. Each case edits a valid file by hand (header JSON and/or payload floats) and
// recomputes the CRC, so only the section checks can catch it; every rejection is a
// ModelFormatError (optimizer-state errors used to escape as ValueError, and shifted weight offsets
// loaded another weight's floats).
import { describe, expect, test } from 'vitest';
import { io, layers, Sequential, tensor } from '../../src/index.js';
import { crc32, ModelFormatError } from '../../src/io/index.js';

interface Entry {
  name: string;
  shape: number[];
  offset: number;
}
interface Header {
  weights: Entry[];
  optimizer: { iterations: number; slots: Array<{ param: string; slot: string }>; tensors: Entry[] };
  floats: number;
}

function trained(): Promise<Sequential> {
  const m = new Sequential([layers.dense({ units: 3, activation: 'relu', inputShape: [2] }), layers.dense({ units: 1 })], { seed: 4, name: 'sections' });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = tensor(Float32Array.from({ length: 16 }, (_, i) => Math.cos(i)), [8, 2]);
  const y = tensor(Float32Array.from({ length: 8 }, (_, i) => Math.sin(i)), [8, 1]);
  return m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 }).then(() => m);
}

/** Re-encodes `bytes` after `edit` changed its header and/or payload floats; the CRC is recomputed. */
function repack(bytes: Uint8Array, edit: (header: Header, floats: number[]) => number[] | void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  const start = 12 + Math.ceil(headerLength / 4) * 4;
  let floats = Array.from({ length: (bytes.length - 4 - start) / 4 }, (_, i) => view.getFloat32(start + i * 4, true));
  floats = edit(header, floats) ?? floats;
  header.floats = floats.length;
  const text = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(text.length / 4) * 4;
  const out = new Uint8Array(12 + padded + floats.length * 4 + 4);
  const w = new DataView(out.buffer);
  out.set(bytes.subarray(0, 8), 0);
  w.setUint32(8, text.length, true);
  out.set(text, 12);
  floats.forEach((f, i) => w.setFloat32(12 + padded + i * 4, f, true));
  w.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

async function rejects(bytes: Uint8Array, message: RegExp): Promise<void> {
  const err = await io.load(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFormatError);
  expect((err as Error).message).toMatch(message);
}

describe('io.load validates every section against the architecture', () => {
  test('the unedited repack loads, weights and optimizer state equal', async () => {
    const m = await trained();
    const again = await io.load(repack(io.save(m), () => {}));
    expect(again.getWeights().map((w) => Array.from(w.data))).toEqual(m.getWeights().map((w) => Array.from(w.data)));
    expect(again.optimizer!.getState()).toEqual(m.optimizer!.getState());
  });

  test('shifted or swapped weight offsets are refused', async () => {
    const bytes = io.save(await trained());
    await rejects(repack(bytes, (h) => void (h.weights[1]!.offset += 1)), /weight 1 \(dense_\d+\/bias\) starts at float 7, but the sections before it end at 6 \(shifted or overlapping/);
    await rejects(repack(bytes, (h) => void (h.weights[0]!.offset = 1)), /weight 0 \(.*\/kernel\) starts at float 1, but the sections before it end at 0/);
    // An optimizer slot pointed at the first weight's floats.
    await rejects(repack(bytes, (h) => void (h.optimizer.tensors[0]!.offset = 0)), /optimizer slot 0 \(.*\) starts at float 0/);
  });

  test('a weight shorter or longer than the architecture says is refused, even with the payload edited to match', async () => {
    const bytes = io.save(await trained());
    await rejects(
      repack(bytes, (h, f) => {
        h.weights[1]!.shape = [2];
        for (const e of [...h.weights.slice(2), ...h.optimizer.tensors]) e.offset -= 1;
        return [...f.slice(0, 8), ...f.slice(9)];
      }),
      /weight 1 is dense_\d+\/bias \[2\] but the architecture needs dense_\d+\/bias \[3\]/,
    );
  });

  test('optimizer slots: wrong size, unknown parameter or slot, missing or duplicated slots, bad iterations: all ModelFormatError', async () => {
    const bytes = io.save(await trained());
    const shrinkSlot = (h: Header, f: number[]): number[] => {
      const t = h.optimizer.tensors[0]!;
      t.shape = [t.shape[0]! - 1];
      for (const e of h.optimizer.tensors.slice(1)) e.offset -= 1;
      return [...f.slice(0, t.offset), ...f.slice(t.offset + 1)];
    };
    await rejects(repack(bytes, shrinkSlot), /optimizer slot 0 must be a tensor named dense_\d+\/kernel:m of shape \[6\], got .*"shape":\[5\]/);
    await rejects(repack(bytes, (h) => void (h.optimizer.iterations = -1)), /iterations must be a non-negative integer, got -1/);
    await rejects(repack(bytes, (h) => void (h.optimizer.iterations = 1.5)), /iterations must be a non-negative integer, got 1.5/);
    await rejects(repack(bytes, (h) => void (h.optimizer.slots[0]!.param = 'ghost/kernel')), /optimizer slot 0 belongs to ghost\/kernel, which is not a weight of this architecture/);
    await rejects(repack(bytes, (h) => void (h.optimizer.slots[0]!.slot = 'momentum')), /optimizer slot 0: adam has no slot momentum/);
    await rejects(
      repack(bytes, (h) => {
        h.optimizer.slots[1] = { ...h.optimizer.slots[0]! };
        h.optimizer.tensors[1]!.name = h.optimizer.tensors[0]!.name;
      }),
      /optimizer slot 1: dense_\d+\/kernel:m appears twice/,
    );
    await rejects(
      repack(bytes, (h, f) => {
        const last = h.optimizer.tensors.pop()!;
        h.optimizer.slots.pop();
        return f.slice(0, last.offset);
      }),
      /the optimizer state lacks dense_\d+\/bias:v/,
    );
  });

  test('floats beyond the last section are refused; with { compile: false } the optimizer layout is still checked', async () => {
    const bytes = io.save(await trained());
    await rejects(repack(bytes, (_h, f) => [...f, 0]), /the sections end at float \d+ but the payload holds \d+ floats/);
    const shifted = repack(bytes, (h) => void (h.optimizer.tensors[2]!.offset += 1));
    await expect(io.load(shifted, { compile: false })).rejects.toThrow(ModelFormatError);
    expect((await io.load(bytes, { compile: false })).optimizer).toBeUndefined();
  });

  test('a model saved after freezing a layer that had trained (stale optimizer slots) still loads', async () => {
    const m = await trained();
    m.layers[0]!.trainable = false;
    await m.fit(tensor(new Float32Array(8).fill(0.5), [4, 2]), tensor(new Float32Array(4).fill(1), [4, 1]), { epochs: 1, verbose: 0 });
    const again = await io.load(io.save(m));
    expect(again.getWeights().map((w) => Array.from(w.data))).toEqual(m.getWeights().map((w) => Array.from(w.data)));
    expect(again.optimizer!.getState().slots[`${m.layers[1]!.name}/kernel`]).toEqual(m.optimizer!.getState().slots[`${m.layers[1]!.name}/kernel`]);
  });
});
