import { describe, test } from 'vitest';
import { resizeSourceRef, resizeRef, resizeBackwardRef } from '../reference/pool.js';
import { finiteDifferences } from '../reference/conv.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import {
  upSampling2dGeometry, zeroPadding2dGeometry, cropping2dGeometry, resizeForwardPtr, resizeBackwardPtr, type ResizeGeometry,
} from '../../src/ops/resize.js';

const SHAPES: Array<[number, number, number, number]> = [[1, 1, 1, 1], [3, 5, 7, 3], [1, 2, 13, 8], [3, 13, 2, 5], [1, 8, 8, 13], [3, 7, 5, 4]];

const GEOMETRIES: Record<string, (s: number[], i: number) => ResizeGeometry> = {
  upSampling2d: (s, i) => upSampling2dGeometry(s, { size: [[1, 2], [2, 2], [3, 1], [2, 3]][i % 4] as [number, number] }),
  zeroPadding2d: (s, i) => zeroPadding2dGeometry(s, { padding: [1, [2, 0], [[0, 3], [1, 2]], [[2, 1], [0, 0]]][i % 4] as never }),
  cropping2d: (s, i) => cropping2dGeometry(s, { cropping: [[[0, Math.max(s[1]! - 2, 0)], [Math.min(1, s[2]! - 1), 0]], 0, [[s[1]! > 2 ? 1 : 0, 0], [0, s[2]! > 3 ? 2 : 0]]][i % 3] as never }),
};

describe.each(Object.keys(GEOMETRIES))('%s kernels', (kind) => {
  test('forward and backward (+=) match the reference on odd shapes', () => {
    SHAPES.forEach((shape, i) => {
      const g = GEOMETRIES[kind]!(shape, i);
      const source = resizeSourceRef(g.struct, kind as never);
      const x = randomArray(g.inputSize, i + 1);
      const dy = randomArray(g.outputSize, i + 2);
      const dx0 = randomArray(g.inputSize, i + 3);
      const ptrs = [x, dy, dx0, randomArray(g.outputSize, i + 4)].map(toWasm);
      const [px, pdy, pdx, py] = ptrs as [number, number, number, number];
      const label = `${kind} ${JSON.stringify(shape)} -> ${JSON.stringify(g.outputShape)}`;
      resizeForwardPtr(g, { y: py, x: px });
      expectClose(fromWasm(py, g.outputSize), resizeRef(source, x), `${label} forward`, 0, 0);
      resizeBackwardPtr(g, { dx: pdx, dy: pdy });
      expectClose(fromWasm(pdx, g.inputSize), resizeBackwardRef(source, dy, g.inputSize).map((v, j) => v + dx0[j]!), `${label} backward`, 1e-6, 1e-6);
      ptrs.forEach((p) => heap().free(p));
      g.release();
    });
  });

  test('the reference backward equals finite differences of the reference forward', () => {
    const g = GEOMETRIES[kind]!([2, 3, 4, 2], 1);
    const source = resizeSourceRef(g.struct, kind as never);
    const x = randomArray(g.inputSize, 9);
    const r = randomArray(g.outputSize, 10);
    const fd = finiteDifferences((v) => resizeRef(source, v), x, r, [...x.keys()]);
    expectClose(fd, resizeBackwardRef(source, r, g.inputSize), `${kind} vs FD`, 1e-6, 1e-7);
    g.release();
  });
});
