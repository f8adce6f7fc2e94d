// Finding and launching a headless Chromium for the browser tests (run-all.mjs, the browser
// example's test), in this order:
//   1. CHROMIUM_PATH (an error if it names no file),
//   2. the system's `chromium` (or `chromium-browser`) on PATH,
//   3. the Chromium that the `@sparticuz/chromium` dev dependency ships inside its npm package
//      (brotli-compressed, nothing downloaded): unpacked once into node_modules/.cache/.
// Launched with `--no-sandbox --headless=new` and without `--single-process`, under which
// screenshots time out (DESIGN.md section 6).
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Chromium's flags for every launch here. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(names) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

/**
 * Unpacks `@sparticuz/chromium` into node_modules/.cache/tensorlane-chromium/<version>/ (once; a
 * half-written copy is never used: it is unpacked beside it and renamed into place). The package
 * unpacks into os.tmpdir(), so a child process does it with TMPDIR pointing at the new directory.
 * Its own fonts.conf names /tmp/fonts, so a fonts.conf naming the unpacked fonts is written too.
 */
async function packagedChromium() {
  const manifest = join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json');
  if (!existsSync(manifest)) {
    throw new Error('no Chromium: CHROMIUM_PATH is not set, no `chromium` on PATH, and the dev dependency @sparticuz/chromium is not installed (run `npm install`)');
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  const dir = join(ROOT, 'node_modules', '.cache', 'tensorlane-chromium', version);
  const executable = join(dir, 'chromium');
  const fontsConf = join(dir, 'tensorlane-fonts.conf');
  if (!existsSync(fontsConf)) {
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const unpack = "import('@sparticuz/chromium').then((m) => m.default.executablePath()).then((p) => console.log(p))";
    await new Promise((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', unpack], { cwd: ROOT, env: { ...process.env, TMPDIR: partial }, timeout: 120_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`unpacking @sparticuz/chromium ${version} failed: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
    if (!isExecutable(join(partial, 'chromium'))) throw new Error(`unpacking @sparticuz/chromium ${version} left no executable in ${partial}`);
    writeFileSync(
      join(partial, 'tensorlane-fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    // A leftover directory without the fonts.conf is an interrupted or foreign copy: replace it.
    if (existsSync(dir) && !existsSync(fontsConf)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(partial, dir);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      // Another process unpacked the same version first: use its copy.
      if (!existsSync(fontsConf)) throw error;
    }
  }
  return { executable, source: `@sparticuz/chromium ${version}`, env: { FONTCONFIG_FILE: fontsConf } };
}

/**
 * The Chromium to test with: `{ executable, source, env }` (`env`: extra environment for the
 * browser process). Throws naming what it tried when there is none.
 */
export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return { executable: fromEnv, source: 'CHROMIUM_PATH', env: {} };
  }
  const system = onPath(['chromium', 'chromium-browser']);
  if (system) return { executable: system, source: `system (${system})`, env: {} };
  return packagedChromium();
}

/** Launches `found` (from findChromium) headless through playwright-core. */
export async function launchChromium(found, timeoutMs = 45_000) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: found.executable, timeout: timeoutMs, args: CHROMIUM_ARGS, env: { ...process.env, ...found.env } });
}
