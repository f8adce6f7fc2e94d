// Everything the package exports except `init`, which each entry point supplies for its runtime.
export { Tensor, tensor, zeros, fill, sizeOf, type Shape } from './tensor.js';
export { ShapeError, ValueError, NotInitializedError } from './errors.js';
export { isInitialized } from './backend/wasm.js';
export * as ops from './ops/index.js';
export * as optimizers from './optimizers/index.js';
export * as schedules from './schedules.js';
export * as callbacks from './callbacks/index.js';
export * as data from './data/index.js';
export * as augment from './augment/index.js';
export { Rng, streamId, StreamPurpose } from './random.js';
export * as tuning from './tuning.js';
