// The public ops: validated, tensor-level functions, one module per kernel family. The
// pointer-level functions (`*Ptr`, on buffers already in wasm memory) stay internal: layers
// import them from their modules, users never see them (test/public-api.test.ts).
export { matmul, type MatmulOptions } from './matmul.js';
export {
  type ActivationName, type ActivationSpec, type ActivationReads, ACTIVATION_NAMES, resolveActivation, activationReads,
  activation, activationBackward,
  linear, step, sigmoid, hardSigmoid, tanh, relu, relu6, leakyRelu, elu, selu, gelu, geluTanh, swish, silu, mish,
  softplus, softsign, softmax, logSoftmax, prelu, preluBackward,
} from './activation.js';
export { evaluateLoss, lossValue, lossGradient, lossPerSample, type LossEvalOptions, type LossEvaluation } from '../losses/evaluate.js';
export { dropout, gaussianNoise, randomUniform, randomNormal, truncatedNormal, type DropoutOptions, type RandomOptions } from './random.js';
export {
  batchNormalization, batchNormalizationTraining, batchNormalizationGrad, layerNormalization, layerNormalizationGrad,
  type BatchNormParams, type BatchNormTrainingParams, type BatchNormTrainingResult, type NormParams, type NormGradients,
} from './norm.js';
export {
  type Padding, type ConvKind, type ConvGeometry, type ConvActivation, type ConvOptions, type ConvForwardOptions,
  conv2dGeometry, depthwiseConv2dGeometry, conv2dTransposeGeometry,
  conv2d, conv2dBackpropInput, conv2dBackpropFilter, conv2dBackpropBias, depthwiseConv2d, depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter, conv2dTranspose, conv2dTransposeBackpropInput, conv2dTransposeBackpropFilter,
} from './conv.js';
export {
  type PoolGeometry, type Pool2dOptions, pool2dGeometry, globalPool2dGeometry, maxPool2d, maxPool2dBackward, avgPool2d,
  avgPool2dBackward, globalAveragePooling2d, globalAveragePooling2dBackward, globalMaxPooling2d, globalMaxPooling2dBackward,
} from './pool.js';
export {
  type ResizeKind, type ResizeGeometry, type Border2d, upSampling2dGeometry, zeroPadding2dGeometry, cropping2dGeometry,
  upSampling2d, upSampling2dBackward, zeroPadding2d, zeroPadding2dBackward, cropping2d, cropping2dBackward,
} from './resize.js';
export {
  add, sub, mul, div, pow, maximum, minimum, greater, greaterEqual, less, lessEqual, equal, notEqual, where,
  neg, abs, square, sqrt, rsqrt, exp, log, log1p, clip, binary, binaryBackward, whereBackward, unary, unaryBackward,
  binaryShape, type BinaryOpName, type UnaryOpName,
} from './elementwise.js';
export { sum, mean, max, min, variance, reduce, reduceBackward, reduceShape, type ReduceOpName, type ReduceShape } from './reduce.js';
export type { Geometry, GeometryField, GeometryStruct } from './geometry.js';
