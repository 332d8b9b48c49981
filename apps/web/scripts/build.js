// Builds the app with Vite's API, then exits at once. The inlang SDK (behind Paraglide's Vite
// plugin) leaves work scheduled that would keep `vite build` alive for about 30 s after the
// build is written; nothing is left to wait for once build() has returned.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { inputsFingerprint } from './build-if-stale.js';

const webDir = fileURLToPath(new URL('..', import.meta.url));
process.chdir(webDir);
try {
  // Taken before building, so that an edit made during the build makes the next start rebuild.
  const fingerprint = inputsFingerprint();
  await build({ root: webDir, logLevel: process.env.VITE_LOG_LEVEL === 'info' ? 'info' : 'warn' });
  writeFileSync(join(webDir, 'build', '.inputs-sha256'), fingerprint);
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
