// The one wasm module: every kernel family re-exported from its own file.
export * from './memory';
export * from './gemm';
export * from './conv';
export * from './pool';
export * from './resize';
