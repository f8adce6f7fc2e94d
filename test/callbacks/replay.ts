// A fake TrainingModel and a replay of fit's hook sequence, so callbacks are tested as state
// machines on recorded logs, without a real model.
import { tensor, type Tensor } from '../../src/core/tensor.js';
import type { Callback, Logs, TrainingModel } from '../../src/callbacks/callback.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';

/** A model whose one weight is set to the epoch index as each epoch trains. */
export class FakeModel implements TrainingModel {
  stopTraining = false;
  weight = tensor([-1], [1]);
  saves = 0;
  constructor(readonly optimizer: Optimizer | undefined = undefined) {}
  getWeights(): Tensor[] {
    return [tensor(this.weight.data.slice(), [1])];
  }
  setWeights(weights: readonly Tensor[]): void {
    this.weight = tensor(weights[0]!.data.slice(), [1]);
  }
  save(): Uint8Array {
    this.saves++;
    return Uint8Array.of(this.weight.data[0]!);
  }
}

export interface Replay {
  /** Epochs that ran (the last one may have set stopTraining). */
  epochs: number;
  /** The logs each epoch ended with (callbacks may add keys such as learning_rate). */
  logs: Logs[];
}

/**
 * Replays fit: onTrainBegin, then per epoch (weight := epoch) onEpochBegin, the batches
 * (onBatchBegin/End with the given losses), onEpochEnd with a copy of `epochLogs[epoch]`;
 * stops after a batch or epoch that set stopTraining; onTrainEnd.
 */
export async function replay(model: FakeModel, callbacks: Callback[], epochLogs: Logs[], batchLosses: number[][] = []): Promise<Replay> {
  model.stopTraining = false;
  for (const cb of callbacks) {
    cb.setModel(model);
    cb.setParams({ epochs: epochLogs.length, steps: batchLosses[0]?.length ?? 0, samples: 0, batchSize: 0, verbose: 0, metrics: Object.keys(epochLogs[0] ?? {}) });
  }
  for (const cb of callbacks) await cb.onTrainBegin({});
  const logs: Logs[] = [];
  let epoch = 0;
  for (; epoch < epochLogs.length; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin(epoch, {});
    model.weight = tensor([epoch], [1]);
    for (const [batch, loss] of (batchLosses[epoch] ?? []).entries()) {
      for (const cb of callbacks) await cb.onBatchBegin(batch, {});
      for (const cb of callbacks) await cb.onBatchEnd(batch, { loss });
      if (model.stopTraining) break;
    }
    const epochLog = { ...epochLogs[epoch]! };
    if (!model.stopTraining) for (const cb of callbacks) await cb.onEpochEnd(epoch, epochLog);
    logs.push(epochLog);
    if (model.stopTraining) {
      epoch++;
      break;
    }
  }
  for (const cb of callbacks) await cb.onTrainEnd({});
  return { epochs: epoch, logs };
}

/** Epoch logs from one series: `{ [name]: values[i] }`. */
export function series(name: string, values: number[]): Logs[] {
  return values.map((v) => ({ loss: 1, [name]: v }));
}
