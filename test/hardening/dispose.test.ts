// P1 (issue 15): wasm memory grew until the garbage collector ran (1,240 MB after 10,000 models
// created and dropped). model.dispose() frees a model's memory now: its plans, gradients, the
// optimizer compile made from a name, and the weights of the layers no other undisposed model
// uses; the heap then reuses those blocks, so 2,000 models created, trained a step and disposed
// in a loop keep wasm memory flat. Idempotent; every later use throws naming the model.
import { describe, expect, test } from 'vitest';
import { Input, Model, Sequential, data, io, layers, losses, optimizers, tensor } from '../../src/index.js';
import type { Loss } from '../../src/losses/loss.js';
import { heap, memoryBytes } from '../../src/backend/memory.js';

const x = tensor(Float32Array.from({ length: 64 }, (_, i) => Math.cos(i)), [8, 8]);
const y = tensor(Float32Array.from({ length: 8 }, (_, i) => i % 3), [8]);

// One loss object for every model: a loss made from a name keeps a 64-byte kernel struct record
// (src/kernels/loss.ts LossShapeBinding) until it is garbage collected, which dispose() cannot
// reach (see the last test).
const sharedLoss = losses.get('sparseCategoricalCrossentropy');

function churn(i: number, loss: Loss | string = sharedLoss): Sequential {
  const m = new Sequential(
    [layers.dense({ units: 32, activation: 'relu', inputShape: [8] }), layers.batchNormalization(), layers.dense({ units: 3 })],
    { seed: i },
  );
  m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  m.trainStep(x, y);
  m.predict(x);
  return m;
}

describe('model.dispose()', () => {
  test('2,000 models created, trained one step, predicted and disposed keep wasm memory flat', () => {
    for (let i = 0; i < 20; i++) churn(i).dispose(); // warm-up: scratch arena and caches at their sizes
    const bytes = memoryBytes();
    const allocated = heap().allocatedBytes;
    const blocks = heap().blockCount;
    for (let i = 0; i < 2000; i++) churn(i).dispose();
    expect(memoryBytes()).toBe(bytes);
    expect(heap().allocatedBytes).toBe(allocated);
    expect(heap().blockCount).toBe(blocks);
  });

  test('idempotent; afterwards every use throws (or rejects) naming the model', async () => {
    const m = churn(1);
    m.dispose();
    m.dispose();
    expect(m.isDisposed).toBe(true);
    const msg = (what: string) => `${m.name}.${what}: the model was disposed (model.dispose()); build or load a new model`;
    expect(() => m.predict(x)).toThrow(msg('predict'));
    expect(() => m.evaluate(x, y)).toThrow(msg('evaluate'));
    expect(() => m.trainStep(x, y)).toThrow(msg('trainStep'));
    expect(() => m.trainOnBatch(x, y)).toThrow(msg('trainOnBatch'));
    expect(() => m.getWeights()).toThrow(msg('getWeights'));
    expect(() => m.setWeights([])).toThrow(msg('setWeights'));
    expect(() => m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' })).toThrow(msg('compile'));
    expect(() => m.summary()).toThrow(msg('summary'));
    expect(() => m.layers).toThrow(msg('layers'));
    expect(() => m.add(layers.dense({ units: 1 }))).toThrow(msg('add'));
    expect(() => m.pop()).toThrow(msg('pop'));
    expect(() => io.save(m)).toThrow(msg('save'));
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(msg('fit'));
    await expect(m.evaluate(data.fromTensors(x, y, { batchSize: 4 }))).rejects.toThrow(msg('evaluate'));
  });

  test('a layer shared with another live model stays (transfer learning); a freed layer cannot join a model again', () => {
    const base = layers.dense({ units: 4, activation: 'relu', inputShape: [8] });
    const a = new Sequential([base, layers.dense({ units: 3 })], { seed: 2 });
    const head = layers.dense({ units: 1 });
    const b = new Sequential([base, head], { seed: 3 });
    const before = b.predict(x);
    a.dispose();
    expect(Array.from(b.predict(x).data)).toEqual(Array.from(before.data));
    // Garbage in the freed blocks must not show through: fill them by allocating more models.
    const others = [churn(7), churn(8)];
    expect(Array.from(b.predict(x).data)).toEqual(Array.from(before.data));
    for (const o of others) o.dispose();
    b.dispose(); // now base is used by no one: freed
    expect(() => new Sequential([base], { seed: 1 })).toThrow(new RegExp(`layer ${base.name} was freed by ${b.name}\\.dispose\\(\\) and cannot be used again`));
    const inp = Input({ shape: [4] });
    expect(() => new Model({ inputs: inp, outputs: head.apply(inp) })).toThrow(/was freed by .*\.dispose\(\)/);
  });

  test('an optimizer object passed to compile is left alone (another model may use it); one made from a name is freed', () => {
    const shared = optimizers.adam();
    const a = new Sequential([layers.dense({ units: 3, inputShape: [8] })], { seed: 4 });
    const b = new Sequential([layers.dense({ units: 3, inputShape: [8] })], { seed: 5 });
    a.compile({ optimizer: shared, loss: 'sparseCategoricalCrossentropy' });
    b.compile({ optimizer: shared, loss: 'sparseCategoricalCrossentropy' });
    a.trainStep(x, y);
    b.trainStep(x, y);
    const state = shared.getState();
    a.dispose();
    expect(shared.getState()).toEqual(state);
    b.trainStep(x, y); // still trains on its live slots
    expect(shared.iterations).toBe(3);
    b.dispose();
  });

  test('with a loss made from a name, wasm memory stays flat too; only its 64-byte struct record waits for the collector', () => {
    for (let i = 0; i < 20; i++) churn(i, 'sparseCategoricalCrossentropy').dispose();
    const bytes = memoryBytes();
    const allocated = heap().allocatedBytes;
    for (let i = 0; i < 500; i++) churn(i, 'sparseCategoricalCrossentropy').dispose();
    expect(memoryBytes()).toBe(bytes);
    expect(heap().allocatedBytes - allocated).toBeLessThanOrEqual(500 * 64 + 4096); // records come in slabs of 64
  });

  test('dispose is refused while fit runs; a loaded model disposes its optimizer too', async () => {
    const m = churn(9);
    const running = m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(() => m.dispose()).toThrow(new RegExp(`^${m.name}\\.dispose: ${m.name} is already running fit\\(\\)`));
    await running;
    const saved = io.save(m);
    m.dispose();
    const warm = await io.load(saved);
    warm.dispose();
    const allocated = heap().allocatedBytes;
    for (let i = 0; i < 50; i++) {
      const loaded = await io.load(saved);
      loaded.trainStep(x, y);
      loaded.dispose();
    }
    // io.load makes the loss from its saved name: its struct record (64 bytes) waits for the collector.
    expect(heap().allocatedBytes - allocated).toBeLessThanOrEqual(50 * 64 + 4096);
  });
});

describe('plan allocation failures', () => {
  test('an AllocationError of a plan names the model and the plan, and leaves nothing allocated', () => {
    const m = new Sequential([layers.dense({ units: 2 ** 20, inputShape: [1] })], { seed: 1, name: 'wide' });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    m.predict(tensor(new Float32Array(1), [1, 1]));
    const allocated = heap().allocatedBytes;
    const big = tensor(new Float32Array(2000), [2000, 1]);
    expect(() => m.predict(big, { batchSize: 2000 })).toThrow(/^wide \(inference plan for batches of 2000\): cannot allocate \d+ bytes \(\d+\.\d MiB\) of wasm memory/);
    expect(heap().allocatedBytes).toBe(allocated);
    m.dispose();
  });
});
