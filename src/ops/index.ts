// Functional ops on tensors: the kernel bindings, validated. One module per kernel family.
export { matmul, type MatmulOptions } from './matmul.js';
export { dropout, gaussianNoise, randomUniform, randomNormal, truncatedNormal, type DropoutOptions, type RandomOptions } from './random.js';
export {
  batchNormalization, batchNormalizationTraining, batchNormalizationGrad, layerNormalization, layerNormalizationGrad,
  type BatchNormParams, type BatchNormTrainingParams, type BatchNormTrainingResult, type NormParams, type NormGradients,
} from './norm.js';
