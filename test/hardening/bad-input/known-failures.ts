// KNOWN FAILURES of the bad-input suite: bad inputs that are still accepted silently or fail with
// an unclear error, in code the P0 hardening branch did not own (src/ops, src/layers, src/metrics,
// src/data, src/model, src/augment). Each row is one (entry, kind) of entries.ts and a fixed call
// that reproduces it. The suite counts drawn cases of a listed (entry, kind) as known failures
// instead of failing; and the test 'known failures still fail' re-runs every row's call and fails
// when it passes (a clear error or a correct result): then the fix is in, delete the row.
// Corruptions and hangs are never excused by this table.
import { Sequential, augment, data, layers, metrics, ops } from '../../../src/index.js';
import { makeTensor as t } from './values.js';

export interface KnownFailure {
  entry: string;
  kind: string;
  /** A fixed call that shows the failure. */
  call: () => unknown;
  /** What happens today, and where. */
  observed: string;
}

export const knownKey = (entry: string, kind: string): string => `${entry} [${kind}]`;

export const KNOWN_FAILURES: readonly KnownFailure[] = [
  // src/ops/matmul.ts: options are not checked.
  { entry: 'ops.matmul', kind: 'options:null', call: () => ops.matmul(t([2, 2], 1), t([2, 2], 2), null as never), observed: "TypeError: Cannot read properties of null (reading 'transposeA')" },
  { entry: 'ops.matmul', kind: 'options:notAnObject', call: () => ops.matmul(t([2, 2], 1), t([2, 2], 2), 5 as never), observed: 'options 5 accepted, result returned' },
  { entry: 'ops.matmul', kind: 'options:typo', call: () => ops.matmul(t([2, 2], 1), t([2, 2], 2), { transposea: true } as never), observed: 'unknown key transposea ignored; a is not transposed' },
  { entry: 'ops.matmul', kind: 'options:badBoolean', call: () => ops.matmul(t([2, 2], 1), t([2, 2], 2), { transposeA: 'false' as never }), observed: "transposeA 'false' is truthy: a is transposed" },
  // src/ops/conv.ts, src/ops/geometry.ts: unknown options ignored; runOp allocates the JS output before any size check.
  { entry: 'ops.conv2d', kind: 'options:typo', call: () => ops.conv2d(t([1, 4, 4, 1], 1), t([1, 1, 1, 1], 2), { stride: 2 } as never), observed: 'unknown key stride ignored; stride 1 used' },
  { entry: 'ops.conv2d', kind: 'padding:huge', call: () => ops.conv2d(t([1, 3, 3, 1], 1), t([1, 1, 1, 2], 2), { padding: [1e9, 0, 0, 0] }), observed: 'RangeError: Invalid typed array length: 6000000018 (names no op; output size not checked against the wasm32 limit)' },
  // src/ops/pool.ts
  { entry: 'ops.maxPool2d', kind: 'poolSize:bad', call: () => ops.maxPool2d(t([1, 4, 4, 1], 1), { poolSize: 2n as never }), observed: 'TypeError: Do not know how to serialize a BigInt (from the error message itself)' },
  { entry: 'ops.maxPool2d', kind: 'strides:bad', call: () => ops.maxPool2d(t([1, 4, 4, 1], 1), { strides: 2n as never }), observed: 'TypeError: Do not know how to serialize a BigInt (from the error message itself)' },
  { entry: 'ops.maxPool2d', kind: 'options:typo', call: () => ops.maxPool2d(t([1, 4, 4, 1], 1), { poolsize: 3 } as never), observed: 'unknown key poolsize ignored; poolSize 2 used' },
  // src/ops/random.ts
  { entry: 'ops.randomUniform', kind: 'options:typo', call: () => ops.randomUniform([3], 0, 1, { sed: 1 } as never), observed: 'unknown key sed ignored; the process-wide generator is used instead of seed 1' },
  { entry: 'ops.dropout', kind: 'options:typo', call: () => ops.dropout(t([4], 1), 0.5, { trainng: true } as never), observed: 'unknown key trainng ignored' },
  // src/layers/layer.ts: weights are allocated with heap().alloc(bytes) without the layer's name,
  // so the AllocationError says 'memory' instead of the layer; src/layers/conv.ts: strides check.
  { entry: 'layers.dense', kind: 'units:bad', call: () => new Sequential([layers.dense({ units: 1e12, inputShape: [3] })]), observed: "AllocationError 'memory: cannot allocate 12000000000000 bytes ...' names no layer" },
  { entry: 'layers.conv2d', kind: 'filters:bad', call: () => new Sequential([layers.conv2d({ filters: 1e12, kernelSize: 3, inputShape: [5, 5, 2] })]), observed: "AllocationError 'memory: cannot allocate ... bytes' names no layer" },
  { entry: 'layers.conv2d', kind: 'strides:bad', call: () => layers.conv2d({ filters: 2, kernelSize: 3, strides: 2n as never }), observed: 'TypeError: Do not know how to serialize a BigInt (from the error message itself)' },
  // src/layers/core.ts
  { entry: 'layers.dense', kind: 'useBias:badBoolean', call: () => new Sequential([layers.dense({ units: 2, useBias: 'false' as never, inputShape: [3] })]).predict(t([1, 3], 1)), observed: "useBias 'false' keeps a bias (0 drops it)" },
  // src/metrics.ts
  { entry: 'metrics.auc', kind: 'options:typo', call: () => metrics.auc({ numThreshold: 3 } as never), observed: 'unknown key numThreshold ignored; 200 thresholds used' },
  { entry: 'metrics.auc', kind: 'numThresholds:bad', call: () => metrics.auc({ numThresholds: 1e12 }), observed: 'RangeError: Invalid typed array length: 1000000000000 (1e9 allocates ~16 GB); no upper bound' },
  // src/augment/factors.ts
  { entry: 'augment', kind: 'rotation:badFactor', call: () => augment.randomRotation(2n as never), observed: 'TypeError: Do not know how to serialize a BigInt (from the error message itself)' },
];
