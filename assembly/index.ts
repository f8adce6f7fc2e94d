// The one wasm module: every kernel family re-exported from its own file.
export * from './memory';
export * from './gemm';
export * from './optim';
export * from './augment';
export * from './random';
export * from './norm';
export * from './bench';
// math.ts: only the array kernels; its v128/f32 helpers are imported by the kernel files.
export { f32_math__simd, f32_math__scalar } from './math';
export * from './activation';
export * from './loss';
export * from './conv';
export * from './pool';
export * from './resize';
export * from './layers';
export * from './elementwise';
export * from './reduce';
