// Builds the app when its inputs changed since the last build, so that `npm start` on a fresh
// clone builds once and later starts are instant. The fingerprint is a hash of every input file's
// path and content, kept beside the build output.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = join(webDir, '..', '..');
const buildDir = join(webDir, 'build');
const fingerprintFile = join(buildDir, '.inputs-sha256');

const inputs = [
  join(webDir, 'src'),
  join(webDir, 'static'),
  join(webDir, 'messages'),
  join(webDir, 'project.inlang', 'settings.json'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'paraglide.config.js'),
  // Shared by server.js and the hooks, so part of the build.
  join(webDir, 'security-headers.js'),
  join(webDir, 'package.json'),
  join(rootDir, 'svelte.config.js'),
  join(rootDir, 'package-lock.json'),
  join(rootDir, 'sql'),
  join(rootDir, 'packages', 'ledger', 'src'),
  join(rootDir, 'packages', 'ledger', 'package.json')
];

// Generated from the message files, which are inputs themselves.
const generated = join(webDir, 'src', 'lib', 'paraglide');

/** @param {string} path @param {string[]} files */
function collect(path, files) {
  if (!existsSync(path) || path === generated) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), files);
  } else {
    files.push(path);
  }
}

export function inputsFingerprint() {
  /** @type {string[]} */
  const files = [];
  for (const input of inputs) collect(input, files);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(rootDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** @param {{ log: (line: string) => void }} options */
export function buildIfStale({ log }) {
  const fingerprint = inputsFingerprint();
  const built = existsSync(join(buildDir, 'handler.js')) && existsSync(fingerprintFile);
  if (built && readFileSync(fingerprintFile, 'utf8') === fingerprint) return false;
  try {
    createRequire(import.meta.url).resolve('vite/package.json');
  } catch {
    throw new Error('The app needs building, but Vite is not installed. Run `npm ci` (with dev dependencies) first.');
  }
  log('building the app (first start, or the code changed), about 15 s');
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(webDir, 'scripts', 'build.js')], {
    cwd: webDir,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' }
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error('The build failed; the output above says why.');
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildIfStale({ log: (line) => console.log(`gongjian: ${line}`) });
}
