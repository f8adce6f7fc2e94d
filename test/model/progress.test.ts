import { describe, expect, test } from 'vitest';
import { ProgressBar, bar, formatDuration, formatLogs, type ProgressSink } from '../../src/callbacks/progress-bar.js';

function sink(tty: boolean): ProgressSink & { out: string } {
  const s = { tty, out: '', write: (t: string) => void (s.out += t), line: (t: string) => void (s.out += `${t}\n`) };
  return s;
}

function drive(bar: ProgressBar): void {
  bar.setParams({ epochs: 2, steps: 3, samples: 90, batchSize: 32, verbose: 1, metrics: ['loss', 'accuracy'] });
  bar.onTrainBegin();
  for (let e = 0; e < 2; e++) {
    bar.onEpochBegin(e);
    for (let b = 0; b < 3; b++) bar.onBatchEnd(b, { loss: 1 / (b + 1), accuracy: 0.5 });
    bar.onEpochEnd(e, { loss: 0.25, accuracy: 0.75, val_loss: 0.3 });
  }
}

describe('ProgressBar', () => {
  test('redraws a Keras-style bar with ETA on a TTY', () => {
    const s = sink(true);
    drive(new ProgressBar(1, s, 0));
    expect(s.out).toContain('Epoch 1/2\n');
    expect(s.out).toMatch(/\r1\/3 \[={10}>\.{19}\] - ETA: \S+ - loss: 1\.0000 - accuracy: 0\.5000/);
    expect(s.out).toMatch(/\r3\/3 \[={30}\] - \S+ \S+\/step - loss: 0\.2500 - accuracy: 0\.7500 - val_loss: 0\.3000\x1b\[K\n/);
  });

  test('prints one line per epoch when not a TTY, and with verbose 2', () => {
    const pipe = sink(false);
    drive(new ProgressBar(1, pipe));
    expect(pipe.out.split('\n').filter(Boolean)).toHaveLength(4);
    expect(pipe.out).not.toContain('\r');
    const two = sink(true);
    drive(new ProgressBar(2, two));
    expect(two.out.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^Epoch 1\/2 - .* - loss: 0\.2500/), expect.stringMatching(/^Epoch 2\/2/)]);
  });

  test('formats durations, logs and bars', () => {
    expect(formatDuration(840)).toBe('840ms');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatLogs({ loss: 0.123456, tiny: 1e-5 })).toBe(' - loss: 0.1235 - tiny: 1.0000e-5');
    expect(bar(0, 4, 4)).toBe('[>...]');
    expect(bar(4, 4, 4)).toBe('[====]');
  });
});
