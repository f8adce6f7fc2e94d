// Which SIMD arithmetic a module computes with, and whether this engine can run relaxed SIMD.
// The default builds (tensorlane.wasm, tensorlane-threads.wasm) multiply, round, add and round:
// the same bits in every engine. The relaxed builds (tensorlane-relaxed.wasm,
// tensorlane-threads-relaxed.wasm) use f32x4.relaxed_madd in the conv micro-kernels, which the
// engine fuses on CPUs with FMA (one rounding): faster there, but the numbers differ from the
// default build's in the last bits and may differ from one machine to another.

/** The arithmetic of a tensorlane module: `'strict'` (bit-reproducible) or `'relaxed'` (fused multiply-adds). */
export type SimdMode = 'strict' | 'relaxed';

/** The custom section by which scripts/build.mjs marks a relaxed build; its content is `relaxed`. */
const SIMD_SECTION = 'tensorlane.simd';
const RELAXED = [0x72, 0x65, 0x6c, 0x61, 0x78, 0x65, 0x64]; // 'relaxed' in UTF-8

/**
 * A module of one function, (v128, v128, v128) -> v128 = f32x4.relaxed_madd of its parameters:
 * it validates exactly where the engine has the relaxed-SIMD proposal.
 */
function relaxedMaddProbe(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section: (v128 x3) -> v128
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    // code section: local.get 0, 1, 2; f32x4.relaxed_madd (0xfd 0x105); end
    0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
  ]);
}

let relaxedSupported: boolean | undefined;

/** True where this engine validates f32x4.relaxed_madd (checked once, with `WebAssembly.validate`). */
export function relaxedSimdSupported(): boolean {
  relaxedSupported ??= WebAssembly.validate(relaxedMaddProbe());
  return relaxedSupported;
}

/** The arithmetic `module` was built with: `'relaxed'` when it carries the relaxed builds' mark. */
export function moduleSimd(module: WebAssembly.Module): SimdMode {
  for (const section of WebAssembly.Module.customSections(module, SIMD_SECTION)) {
    const bytes = new Uint8Array(section);
    if (bytes.length === RELAXED.length && RELAXED.every((b, i) => bytes[i] === b)) return 'relaxed';
  }
  return 'strict';
}
