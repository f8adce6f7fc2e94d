// Types of scripts/kernel-types.mjs (imported by test/kernels/exports.test.ts).
export declare const GENERATED_PATH: string;
export declare function generateKernelTypes(declarations: string, constants: Record<string, number>): string;
export declare function exportedConstants(module: WebAssembly.Module): Record<string, number>;
