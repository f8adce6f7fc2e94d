import { describe, expect, test } from 'vitest';
import { data, layers, optimizers, Sequential } from '../../src/index.js';
import { randomArray } from '../util.js';

describe('data.csvDataset with a model', () => {
  test('trains a regression from a CSV stream, batch by batch, never holding the table', async () => {
    const values = randomArray(400, 4);
    let csv = 'a,b,y\n';
    for (let i = 0; i < 200; i++) csv += `${values[2 * i]},${values[2 * i + 1]},${2 * values[2 * i]! - values[2 * i + 1]! + 0.25}\n`;
    let opened = 0;
    const open = () => {
      opened++;
      return new ReadableStream<string>({
        start(controller) {
          for (let at = 0; at < csv.length; at += 97) controller.enqueue(csv.slice(at, at + 97)); // lines split across chunks
          controller.close();
        },
      });
    };
    const ds = data.csvDataset(open, { labelColumn: 'y', batchSize: 16 }).map(({ x, y }) => ({ x, y: y.reshape([y.shape[0]!, 1]) }));
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.2 }), loss: 'meanSquaredError' });
    const epochLoss: number[] = [];
    for (let epoch = 0; epoch < 8; epoch++) {
      let sum = 0;
      let batches = 0;
      for await (const { x, y } of ds) {
        sum += model.trainOnBatch(x, y).loss!;
        batches++;
      }
      expect(batches).toBe(13); // 12 full batches of 16 and one of 8
      epochLoss.push(sum / batches);
    }
    expect(opened).toBe(8);
    expect(epochLoss[7]!).toBeLessThan(epochLoss[0]! / 20);
    expect([...model.getWeights()[0]!.data].map((w) => Math.round(w * 10) / 10)).toEqual([2, -1]);
  });
});
