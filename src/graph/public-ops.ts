// The `ops` namespace as the package exports it: every op of ops.ts plus `loss` (a built-in loss
// as a differentiable op).
export * from './ops.js';
export { loss } from './loss-op.js';
