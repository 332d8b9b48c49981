// Builds the app with Vite's API, then exits at once. The inlang SDK (behind Paraglide's Vite
// plugin) leaves work scheduled that would keep `vite build` alive for about 30 s after the
// build is written; nothing is left to wait for once build() has returned.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webDir = fileURLToPath(new URL('..', import.meta.url));
process.chdir(webDir);
try {
  await build({ root: webDir, logLevel: process.env.VITE_LOG_LEVEL === 'info' ? 'info' : 'warn' });
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
