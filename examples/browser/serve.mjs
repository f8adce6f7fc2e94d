// A tiny static server for the browser example (and the browser tests), serving the repository's
// dist/, examples/ and data/ on 127.0.0.1 only:
//
//   npm run build && node examples/browser/serve.mjs [PORT]     # then open the printed URL
//
// Any static server over the repository root works too (e.g. `python3 -m http.server`); the page
// needs only GET of files. Nothing outside the listed folders is served.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.cjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * A node:http server for the files under `dirs` (relative to the repository root), `index.html`
 * for a directory; 404 for anything else. Call `listen` on it.
 */
export function createStaticServer(dirs = ['dist', 'examples', 'data']) {
  const allowed = dirs.map((d) => join(ROOT, d) + sep);
  return createServer((req, res) => {
    let path;
    try {
      path = resolve(ROOT, '.' + decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (req.method !== 'GET' || !allowed.some((dir) => file.startsWith(dir)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? 8080);
  const server = createStaticServer();
  server.listen(port, '127.0.0.1', () => {
    console.log(`serving dist/, examples/ and data/ at http://127.0.0.1:${server.address().port}/examples/browser/  (Ctrl-C to stop)`);
  });
}
