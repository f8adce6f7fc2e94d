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
export { Model, type ModelConfig, type CompileOptions, type FitOptions, type EvaluateOptions, type PredictOptions, type BatchAugmenter } from './model/model.js';
export { Sequential, type SequentialOptions } from './model/sequential.js';
export { Input } from './layers/core.js';
export * as layers from './layers/index.js';
export * as initializers from './initializers.js';
export * as regularizers from './regularizers.js';
export * as metrics from './metrics.js';
export * as io from './io/index.js';
