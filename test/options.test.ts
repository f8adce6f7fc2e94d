// Every public entry of the training side that takes an options object rejects a misspelled key
// (the snake_case of Keras's Python API, a typo) with the function, the key and the closest
// accepted key named; and the schema itself rejects wrong types without coercion.
import { describe, expect, test } from 'vitest';
import { callbacks, data, io, layers, Model, Input, schedules, Sequential, tensor, tuning, ValueError } from '../src/index.js';
import { finite, flag, integer, oneOf, optionsSchema } from '../src/core/options.js';
import { closest, editDistance } from '../src/core/errors.js';

function compiledModel(): Sequential {
  const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })], { seed: 1 });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

const x = tensor(new Float32Array(12), [4, 3]);
const y = tensor(new Float32Array(8), [4, 2]);
const labels = tensor(new Float32Array(4), [4]);
const csv = 'a,b,label\n1,2,0\n3,4,1\n';
const lr = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
const noop = (): void => {};

/** [entry, call with the typo'd options (sync throw or rejection), typo, suggestion]. */
const rows: Array<[string, (typo: Record<string, unknown>) => unknown, string, string]> = [
  ['compile', (o) => compiledModel().compile({ optimizer: 'sgd', loss: 'mse', ...o } as never), 'metric', 'metrics'],
  ['fit', (o) => compiledModel().fit(x, y, o as never), 'batch_size', 'batchSize'],
  ['fit', (o) => compiledModel().fit(x, y, o as never), 'validation_split', 'validationSplit'],
  ['evaluate', (o) => compiledModel().evaluate(x, y, o as never), 'batch_size', 'batchSize'],
  ['predict', (o) => compiledModel().predict(x, o as never), 'batch_size', 'batchSize'],
  ['summary', (o) => compiledModel().summary(o as never), 'line_length', 'lineLength'],
  ['save', (o) => compiledModel().save(o as never), 'include_optimizer', 'includeOptimizer'],
  ['Sequential', (o) => new Sequential([], o as never), 'sead', 'seed'],
  ['model', (o) => { const i = Input({ shape: [3] }); return new Model({ inputs: i, outputs: layers.dense({ units: 1 }).apply(i), ...o } as never); }, 'nmae', 'name'],
  ['earlyStopping', (o) => callbacks.earlyStopping(o as never), 'patiance', 'patience'],
  ['earlyStopping', (o) => callbacks.earlyStopping(o as never), 'min_delta', 'minDelta'],
  ['reduceLROnPlateau', (o) => callbacks.reduceLROnPlateau(o as never), 'min_lr', 'minLr'],
  ['learningRateScheduler', (o) => callbacks.learningRateScheduler((_, r) => r, o as never), 'verbos', 'verbose'],
  ['terminateOnNaN', (o) => callbacks.terminateOnNaN(o as never), 'raise_error', 'raiseError'],
  ['modelCheckpoint', (o) => callbacks.modelCheckpoint({ onSave: noop, ...o } as never), 'save_best_only', 'saveBestOnly'],
  ['logger', (o) => callbacks.logger(o as never), 'seperator', 'separator'],
  ['lambdaCallback', (o) => callbacks.lambdaCallback(o as never), 'on_epoch_end', 'onEpochEnd'],
  ['data.batches', (o) => data.batches(x, y, { batchSize: 2, ...o } as never), 'drop_remainder', 'dropRemainder'],
  ['data.fromTensors', (o) => data.fromTensors(x, y, { batchSize: 2, ...o } as never), 'batch_size', 'batchSize'],
  ['Dataset.shuffle', (o) => data.fromTensors(x, y, { batchSize: 2 }).shuffle(4, o as never), 'sed', 'seed'],
  ['data.csvDataset', (o) => data.csvDataset(() => [csv], { batchSize: 2, ...o } as never), 'label_column', 'labelColumn'],
  ['data.parseCsv', (o) => data.parseCsv(csv, o as never), 'label_column', 'labelColumn'],
  ['data.trainTestSplit', (o) => data.trainTestSplit(x, labels, o as never), 'test_size', 'testSize'],
  ['data.normalize', (o) => data.normalize(x, o as never), 'ragne', 'range'],
  ['schedules.exponentialDecay', (o) => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, ...o } as never), 'stair_case', 'staircase'],
  ['schedules.stepDecay', (o) => schedules.stepDecay({ boundaries: [1], values: [1, 0.5], ...o } as never), 'value', 'values'],
  ['schedules.polynomialDecay', (o) => schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, ...o } as never), 'end_learning_rate', 'endLearningRate'],
  ['schedules.cosineDecay', (o) => schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, ...o } as never), 'warmup_steps', 'warmupSteps'],
  ['schedules.cosineDecayRestarts', (o) => schedules.cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10, ...o } as never), 't_mul', 'tMul'],
  ['schedules.linearWarmup', (o) => schedules.linearWarmup({ warmupTarget: 0.1, warmupSteps: 10, after: lr, ...o } as never), 'warmup_target', 'warmupTarget'],
  ['tuning.gridSearch', (o) => tuning.gridSearch({ space: { a: [1] }, build: compiledModel, data: { x, y }, ...o } as never), 'on_trial', 'onTrial'],
  ['tuning.randomSearch', (o) => tuning.randomSearch({ space: { a: [1] }, trials: 1, build: compiledModel, data: { x, y }, ...o } as never), 'trails', 'trials'],
  ['io.save', (o) => io.save(compiledModel(), o as never), 'include_optimizer', 'includeOptimizer'],
  ['io.load', (o) => io.load(io.save(compiledModel()), o as never), 'compiel', 'compile'],
];

async function errorOf(run: () => unknown): Promise<Error | undefined> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

describe('a misspelled option is refused, naming the entry and the closest key', () => {
  const table = rows.map(([entry, call, typo, suggestion]) => ({ entry, call, typo, suggestion }));
  test.each(table)('$entry rejects $typo', async ({ entry, call, typo, suggestion }) => {
    const err = await errorOf(() => call({ [typo]: 1 }));
    expect(err).toBeInstanceOf(ValueError);
    const hook = entry === 'lambdaCallback' ? 'hook' : 'option';
    expect(err!.message).toContain(`${entry}: unknown ${hook} '${typo}'`);
    expect(err!.message).toContain(`(did you mean '${suggestion}'?)`);
    expect(err!.message).toContain(suggestion);
  });
});

describe('the options schema', () => {
  interface Opts {
    epochs?: number;
    shuffle?: boolean;
    rate?: number;
    mode?: 'a' | 'b';
  }
  const schema = optionsSchema<Opts>()({
    epochs: integer({ min: 1, fallback: 1 }),
    shuffle: flag(true),
    rate: finite({ test: (v) => v > 0, expected: 'a finite number > 0' }),
    mode: oneOf(['a', 'b'], 'a'),
  });

  test('fills defaults, keeps given values and reports the config', () => {
    const o = schema.parse('f', { epochs: 3 });
    expect(o).toEqual({ epochs: 3, shuffle: true, rate: undefined, mode: 'a' });
    expect(schema.config(o)).toEqual({ epochs: 3, shuffle: true, mode: 'a' });
  });

  test('no coercion: strings are not booleans or numbers', () => {
    expect(() => schema.parse('f', { shuffle: 'false' })).toThrow("f: shuffle must be true or false, got false");
    expect(() => schema.parse('f', { epochs: '3' })).toThrow('f: epochs must be an integer >= 1, got 3');
    expect(() => schema.parse('f', { epochs: 1.5 })).toThrow('f: epochs must be an integer >= 1, got 1.5');
    expect(() => schema.parse('f', { rate: -1 })).toThrow('f: rate must be a finite number > 0, got -1');
    expect(() => schema.parse('f', { mode: 'c' })).toThrow("f: mode must be 'a' or 'b', got c");
  });

  test('non-objects are refused, and an unknown key lists every accepted key', () => {
    for (const bad of [null, 3, 'epochs', [1]]) expect(() => schema.parse('f', bad)).toThrow(/^f: options must be an object, got/);
    expect(() => schema.parse('f', undefined)).toThrow('f: options must be an object, got undefined');
    expect(() => schema.parse('f', { epoch: 2 })).toThrow("f: unknown option 'epoch' (did you mean 'epochs'?); accepted: epochs, shuffle, rate, mode");
    expect(() => schema.parse('f', { zzzzzz: 2 })).toThrow("f: unknown option 'zzzzzz'; accepted: epochs, shuffle, rate, mode");
  });

  test('the closest key: case, underscores and small typos', () => {
    expect(editDistance('batch_size', 'batchSize')).toBe(0);
    expect(closest('patiance', ['patience', 'baseline'])).toBe('patience');
    expect(closest('lr', ['learningRate', 'momentum'])).toBeUndefined();
  });
});
