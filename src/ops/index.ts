// Functional ops on tensors: the kernel bindings, validated. One module per kernel family.
export { matmul, type MatmulOptions } from './matmul.js';
export {
  type ActivationName, type ActivationSpec, type ActivationReads, ACTIVATION_NAMES, resolveActivation, activationReads,
  activationForwardPtr, activationBackwardPtr, preluForwardPtr, preluBackwardPtr, activation, activationBackward,
  linear, step, sigmoid, hardSigmoid, tanh, relu, relu6, leakyRelu, elu, selu, gelu, geluTanh, swish, silu, mish,
  softplus, softsign, softmax, logSoftmax, prelu, preluBackward,
} from './activation.js';
export { evaluateLoss, lossValue, lossGradient, lossPerSample, type LossEvalOptions, type LossEvaluation } from './loss.js';
