// Functional ops on tensors: the kernel bindings, validated. One module per kernel family.
export { matmul, type MatmulOptions } from './matmul.js';
export { dropout, randomUniform, type DropoutOptions, type RandomOptions } from './random.js';
