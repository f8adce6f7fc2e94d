// The one wasm module: every kernel family re-exported from its own file.
export * from './memory';
export * from './gemm';
export * from './augment';
