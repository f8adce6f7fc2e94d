// Functional ops on tensors: the kernel bindings, validated. One module per kernel family.
export { matmul, type MatmulOptions } from './matmul.js';
export * from './conv.js';
export * from './pool.js';
export * from './resize.js';
