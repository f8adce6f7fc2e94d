// Node: the package by its own name, through package.json "exports" (ESM `import` and CJS
// `require`), each a separate module instance, so each checks "throws before init" afresh.
// Prints one JSON line: { esm: results, cjs: results }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runChecks } from './checks.mjs';

const require = createRequire(import.meta.url);
const esmPath = import.meta.resolve('tensorlane');
const cjsPath = require.resolve('tensorlane');
if (!esmPath.endsWith('/dist/tensorlane.js')) throw new Error(`import 'tensorlane' resolved to ${esmPath}`);
if (!cjsPath.endsWith('/dist/tensorlane.cjs')) throw new Error(`require('tensorlane') resolved to ${cjsPath}`);

const esm = await runChecks(await import('tensorlane'));
const cjs = await runChecks(require('tensorlane'), { bytes: readFileSync(new URL('../../dist/tensorlane.wasm', import.meta.url)) });
console.log(JSON.stringify({ esm, cjs }));
