// Starting workerd from Node (run-all.mjs, scripts/cold-start.mjs): `workerd serve CONFIG` with
// its `http` socket moved to a free port on 127.0.0.1, which workerd reports on its control fd.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts workerd on `config` (a path relative to the repository root); resolves with the port
 * and `stop()` once it listens, rejects with its stderr if it exits or takes over `timeoutMs`.
 * Every workerd started here is killed when this process exits.
 */
export function startWorkerd(config, timeoutMs = 45_000) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'workerd'), ['serve', config, '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stderr = '';
    let control = '';
    const stop = () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`workerd did not listen within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdio[3].on('data', (d) => {
      control += d;
      const m = /"event":"listen","socket":"http","port":(\d+)/.exec(control);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ port: Number(m[1]), stop });
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`workerd exited with ${code} before listening\n${stderr.trim()}`));
    });
  });
}
