// The first ```ts block of a README section, made runnable: imports dropped, and every expression
// statement with a trailing `// claim` comment (matched by `claimLine`) turned into
// `results.push(expr)`, its claim kept for the test to check.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The section's snippet as JavaScript (optionally wrapped in an async function) and its claims. */
export function readmeSnippet(section: string, claimLine: RegExp, wrapAsync = false): { js: string; claims: string[] } {
  const text = README.slice(README.indexOf(section));
  const code = /```ts\n([\s\S]*?)```/.exec(text)![1]!;
  const claims: string[] = [];
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) => {
      const m = claimLine.exec(line);
      if (m === null || /^(const|let) /.test(line)) return line;
      claims.push(m[2]!);
      return `results.push(${m[1]});`;
    })
    .join('\n');
  const source = wrapAsync ? `return (async () => {\n${body}\n})();` : body;
  return { js: ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText, claims };
}
