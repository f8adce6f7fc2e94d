// Functional ops on tensors: the kernel bindings, validated. One module per kernel family.
export { matmul, type MatmulOptions } from './matmul.js';
export {
  type ActivationName, type ActivationSpec, type ActivationReads, ACTIVATION_NAMES, resolveActivation, activationReads,
  activationForwardPtr, activationBackwardPtr, preluForwardPtr, preluBackwardPtr, activation, activationBackward,
  linear, step, sigmoid, hardSigmoid, tanh, relu, relu6, leakyRelu, elu, selu, gelu, geluTanh, swish, silu, mish,
  softplus, softsign, softmax, logSoftmax, prelu, preluBackward,
} from './activation.js';
export { evaluateLoss, lossValue, lossGradient, lossPerSample, type LossEvalOptions, type LossEvaluation } from './loss.js';
export { dropout, gaussianNoise, randomUniform, randomNormal, truncatedNormal, type DropoutOptions, type RandomOptions } from './random.js';
export {
  batchNormalization, batchNormalizationTraining, batchNormalizationGrad, layerNormalization, layerNormalizationGrad,
  type BatchNormParams, type BatchNormTrainingParams, type BatchNormTrainingResult, type NormParams, type NormGradients,
} from './norm.js';
export * from './conv.js';
export * from './pool.js';
export * from './resize.js';
export {
  add, sub, mul, div, pow, maximum, minimum, greater, greaterEqual, less, lessEqual, equal, notEqual, where,
  neg, abs, square, sqrt, rsqrt, exp, log, log1p, clip, binary, binaryBackward, whereBackward, unary, unaryBackward,
  binaryShape, type BinaryOpName, type UnaryOpName,
} from './elementwise.js';
export { sum, mean, max, min, variance, reduce, reduceBackward, reduceShape, type ReduceOpName, type ReduceShape } from './reduce.js';
