// fit's epoch loop (Keras 3's Trainer.fit with its EpochIterator): checks the options and the
// data, builds the feeds (data/feed.ts), then per batch hands the feed's cursor to the executor
// and reports to the callbacks; validation runs the trainer's evaluation loop after each epoch.
import { History, type Callback, type Logs, type TrainingParams } from '../callbacks/callback.js';
import { ProgressBar } from '../callbacks/progress-bar.js';
import { StreamFeed, TensorFeed, isBatchSource, type BatchFeed, type BatchSource, type Cursor } from '../data/feed.js';
import { ValueError, formatShape } from '../core/errors.js';
import { Tensor, describeValue } from '../core/tensor.js';
import type { Executor, StepSettings } from './executor.js';
import { drive, runHooks } from './hooks.js';
import { fitSchema, type FitOptions } from './options.js';
import type { Trainer } from './trainer.js';
import type { Targets } from './heads.js';

/** Trains `trainer`'s model for a number of epochs; see `Model.fit`. */
export async function fit(trainer: Trainer, x: Tensor | readonly Tensor[] | BatchSource, y: Targets | undefined, options: FitOptions): Promise<History> {
  let c = trainer.requireCompiled('fit');
  const model = trainer.host.model;
  const who = `${model.name}.fit`;
  const o = fitSchema.parse(who, options);
  const { epochs, initialEpoch, verbose, onNonFiniteLoss: onNonFinite, callbacks, classWeight } = o;

  let train: { xs: Tensor[]; y: Tensor } | StreamFeed;
  let batchSize: number | undefined;
  let val: BatchFeed | undefined;
  if (isBatchSource(x)) {
    if (y !== undefined) throw new ValueError(`${who}: with a dataset, the targets come from its { x, y } batches; pass undefined as y, got ${describeValue(y)}`);
    for (const name of ['batchSize', 'validationSplit', 'shuffle'] as const) {
      if (o[name] !== undefined) {
        throw new ValueError(`${who}: ${name} does not apply to a dataset (its batches are used as they come; batch and shuffle the dataset itself, and pass validationData instead of validationSplit)`);
      }
    }
    train = await trainer.streamFeed(x, o.stepsPerEpoch, 'fit');
    c = trainer.compiled!; // re-resolved if the first batch just built a deferred Sequential
  } else {
    if (o.stepsPerEpoch !== undefined) throw new ValueError(`${who}: stepsPerEpoch applies to datasets; with tensors every epoch covers all samples in batches of batchSize`);
    let xs = trainer.checkInputs(x, 'fit');
    let n = xs[0]!.shape[0]!;
    c = trainer.compiled!; // re-resolved if checkInputs just built a deferred Sequential
    let ys = trainer.checkTargets(y, n, c, 'fit');
    batchSize = o.batchSize ?? 32;
    // Validation data: explicit (below), or the last fraction of the samples (before shuffling).
    if (o.validationData === undefined && o.validationSplit !== undefined && o.validationSplit !== 0) {
      const split = o.validationSplit;
      if (typeof split !== 'number' || !(split > 0 && split < 1)) throw new ValueError(`${who}: validationSplit must be in [0, 1), got ${String(split)}`);
      const at = Math.floor(n * (1 - split));
      if (at < 1 || at >= n) throw new ValueError(`${who}: validationSplit ${split} of ${n} samples leaves an empty training or validation set`);
      val = new TensorFeed(xs.map((t) => sliceRows(t, at, n)), sliceRows(ys, at, n), batchSize, false);
      xs = xs.map((t) => sliceRows(t, 0, at));
      ys = sliceRows(ys, 0, at);
      n = at;
    }
    if (n === 0) throw new ValueError(`${who}: no training samples`);
    train = { xs, y: ys };
  }
  if (o.validationData !== undefined) {
    const vd = o.validationData;
    if (isBatchSource(vd)) {
      val = await trainer.streamFeed(vd, undefined, 'fit (validationData)');
    } else {
      if (!Array.isArray(vd) || vd.length !== 2) throw new ValueError(`${who}: validationData must be [x, y] or a dataset of { x, y } batches`);
      const vxs = trainer.checkInputs(vd[0] as Tensor | Tensor[], 'fit (validationData)');
      const vys = trainer.checkTargets(vd[1] as Targets, vxs[0]!.shape[0]!, c, 'fit (validationData)');
      // Keras refuses it too: an empty set would report val_loss NaN every epoch.
      if (vxs[0]!.shape[0] === 0) throw new ValueError(`${who}: validationData has no samples (x ${formatShape(vxs[0]!.shape)}); pass at least one sample, or leave validationData out`);
      val = new TensorFeed(vxs, vys, batchSize ?? 32, false);
    }
  }

  if (o.seed !== undefined) {
    trainer.host.initialize(o.seed);
    trainer.reseed(o.seed);
  } else {
    trainer.host.initialize();
  }
  const feed: BatchFeed = train instanceof StreamFeed ? train : new TensorFeed(train.xs, train.y, batchSize!, true, o.shuffle ?? true ? trainer.rngs.shuffle : undefined);
  const metricNames = ['loss', ...c.metrics.map((m) => m.name)];
  const params: TrainingParams = {
    epochs,
    steps: feed.steps,
    samples: feed.samples,
    batchSize,
    verbose,
    metrics: [...metricNames, ...(val ? metricNames.map((k) => `val_${k}`) : [])],
    seed: o.seed ?? model.seed,
    seedDrawn: o.seed === undefined && model.seedDrawn,
  };
  // History goes after the user's callbacks (Keras 3), so what they write into the epoch logs
  // (learning_rate from reduceLROnPlateau and learningRateScheduler) is recorded.
  const history = new History();
  const all: Callback[] = [...callbacks, history];
  if (verbose > 0) all.push(new ProgressBar(verbose));
  for (const cb of all) {
    cb.setModel(model);
    cb.setParams(params);
  }
  const inputs = trainer.host.graph()!.inputs;
  if (o.augment !== undefined && !(inputs.length === 1 && inputs[0]!.shape.length === 3)) {
    throw new ValueError(`${who}: augment needs one image input [n, h, w, c], got ${inputs.map((t) => formatShape([-1, ...t.shape]).replace('-1', 'n')).join(', ')}`);
  }
  const settings: StepSettings = { classWeight, augment: o.augment, augmentRng: trainer.rngs.augment, dropoutRng: trainer.rngs.dropout };
  const weighted = classWeight !== undefined;

  const batchLogs: Logs = {};
  const cur = feed.cursor;
  const custom = trainer.host.customStep();
  const customSums = new Map<string, number>();
  let executor: Executor | undefined;
  let epochLogs: Logs = {};
  model.stopTraining = false;
  try {
    await runHooks(all, 'onTrainBegin');
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await runHooks(all, 'onEpochBegin', epoch);
      for (const m of c.metrics) m.reset();
      feed.begin();
      let lossSum = 0;
      let seen = 0;
      customSums.clear();
      for (let s = 0; ; s++) {
        const more = feed.next(epoch, s); // a promise only for streams
        if (!(typeof more === 'boolean' ? more : await more)) break;
        const count = cur.count;
        const begun = runHooks(all, 'onBatchBegin', s, batchLogs); // no promise unless a hook is async
        if (begun !== undefined) await begun;
        if (custom !== undefined) {
          // The model's own trainStep (a subclass's override) on this batch's rows.
          const out = custom(...batchTensors(cur));
          const logs: Logs = typeof out === 'number' ? { loss: out } : out;
          seen += count;
          for (const [k, v] of Object.entries(logs)) {
            customSums.set(k, (customSums.get(k) ?? 0) + v * count);
            batchLogs[k] = customSums.get(k)! / seen;
          }
          const ended = runHooks(all, 'onBatchEnd', s, batchLogs);
          if (ended !== undefined) await ended;
          if (model.stopTraining) break;
          continue;
        }
        executor ??= trainer.executor(count, true); // sized by the first batch, reused for every later one
        // One step on the feed's batch.
        const loss = executor.trainStep(cur, settings);
        if (Number.isFinite(loss)) {
          lossSum += loss * count;
          seen += count;
          executor.updateMetrics(c.metrics, count, weighted);
          batchLogs.loss = lossSum / seen;
        } else {
          // The update was not applied. Callbacks see the bad loss; one that sets stopTraining
          // (callbacks.terminateOnNaN) ends training gracefully instead of the error.
          batchLogs.loss = onNonFinite === 'skip' ? (seen > 0 ? lossSum / seen : NaN) : loss;
        }
        for (let i = 0; i < c.metrics.length; i++) batchLogs[c.metrics[i]!.name] = c.metrics[i]!.result(); // no iterator per batch
        const ended = runHooks(all, 'onBatchEnd', s, batchLogs);
        if (ended !== undefined) await ended;
        if (!Number.isFinite(loss) && onNonFinite !== 'skip') {
          if (onNonFinite === 'stop') model.stopTraining = true;
          if (!model.stopTraining) {
            throw new ValueError(
              `${who}: ${executor.nonFiniteCause(loss)} at epoch ${epoch + 1}, batch ${s + 1}${feed.steps === undefined ? '' : ` of ${feed.steps}`}; the update was not applied ` +
                `(lower the learning rate, check the data, or pass onNonFiniteLoss: 'stop' | 'skip', or a terminateOnNaN callback)`,
            );
          }
        }
        if (model.stopTraining) break;
      }
      epochLogs = custom === undefined ? { loss: seen > 0 ? lossSum / seen : NaN } : {};
      for (const [k, v] of customSums) epochLogs[k] = v / seen;
      for (const m of c.metrics) epochLogs[m.name] = m.result();
      if (val !== undefined) {
        const v = await drive(trainer.evaluateFeed(val, epoch));
        for (const [k, value] of Object.entries(v)) epochLogs[`val_${k}`] = value;
      }
      await runHooks(all, 'onEpochEnd', epoch, epochLogs);
    }
  } finally {
    await feed.close();
  }
  await runHooks(all, 'onTrainEnd', epochLogs);
  return history;
}

/** Rows [from, to) of a tensor (copied). */
function sliceRows(t: Tensor, from: number, to: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  return new Tensor(t.data.slice(from * row, to * row), [to - from, ...t.shape.slice(1)]);
}

/** The rows of the cursor's batch as tensors: the inputs (one, or a list) and the targets. */
function batchTensors(cur: Cursor): [Tensor | Tensor[], Tensor | undefined] {
  const rows = (t: Tensor): Tensor => {
    const size = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
    const out = new Float32Array(cur.count * size);
    for (let i = 0; i < cur.count; i++) {
      const r = cur.order === undefined ? cur.start + i : cur.order[cur.start + i]!;
      out.set(t.data.subarray(r * size, (r + 1) * size), i * size);
    }
    return new Tensor(out, [cur.count, ...t.shape.slice(1)]);
  };
  const xs = cur.xs.map(rows);
  const y = cur.y.size === 0 ? undefined : rows(cur.y);
  return [xs.length === 1 ? xs[0]! : xs, y];
}
