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
export * from './pool-relu';
export * from './resize';
export * from './graph';
// geometry.ts: only the struct's layout constants; its helpers are imported by the kernel files.
export {
  GEOMETRY_BYTES, GEOMETRY_BATCH, GEOMETRY_IN_H, GEOMETRY_IN_W,
  GEOMETRY_IN_C, GEOMETRY_OUT_H, GEOMETRY_OUT_W, GEOMETRY_OUT_C,
  GEOMETRY_K_H, GEOMETRY_K_W, GEOMETRY_STRIDE_H, GEOMETRY_STRIDE_W,
  GEOMETRY_DILATION_H, GEOMETRY_DILATION_W, GEOMETRY_PAD_TOP, GEOMETRY_PAD_BOTTOM,
  GEOMETRY_PAD_LEFT, GEOMETRY_PAD_RIGHT, GEOMETRY_DEPTH_MULTIPLIER,
} from './geometry';
export * from './elementwise';
export * from './reduce';
export * from './embedding';
export * from './shape';
export * from './softmax';
export * from './attention';
