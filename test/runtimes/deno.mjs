// Deno: the package by its name, resolved offline through the local package.json / node_modules.
// Prints one JSON line: the results.
import * as tl from 'tensorlane';
import { runChecks } from './checks.mjs';

if (!import.meta.resolve('tensorlane').endsWith('/dist/tensorlane.js')) {
  throw new Error(`'tensorlane' resolved to ${import.meta.resolve('tensorlane')}`);
}
console.log(JSON.stringify(await runChecks(tl)));
