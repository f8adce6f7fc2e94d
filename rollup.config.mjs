import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { wasmBase64Plugin } from './scripts/wasm-plugin.mjs';

// Comments are dropped from the JS (the TSDoc ships in the .d.ts).
const ts = () => typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], noEmit: false, declaration: false, removeComments: true, outDir: 'dist' });

export default [
  {
    // Default entry: wasm inlined as base64 (Node, Deno, browsers).
    input: 'src/index.ts',
    plugins: [wasmBase64Plugin(), ts()],
    output: [
      { file: 'dist/tensorlane.js', format: 'es' },
      { file: 'dist/tensorlane.cjs', format: 'cjs', exports: 'named' },
    ],
  },
  {
    // Edge entry: imports the .wasm beside it as a module.
    input: 'src/index.worker.ts',
    external: ['./tensorlane.wasm'],
    plugins: [ts()],
    output: { file: 'dist/tensorlane.worker.js', format: 'es' },
  },
  {
    input: 'src/index.ts',
    external: ['tensorlane:wasm-base64'],
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    // The same declarations twice: .d.ts for ESM consumers, .d.cts for `require` (TypeScript
    // reads a .d.ts in a "type": "module" package as ESM, which CJS consumers cannot import).
    output: [
      { file: 'dist/tensorlane.d.ts', format: 'es' },
      { file: 'dist/tensorlane.d.cts', format: 'es' },
    ],
  },
];
