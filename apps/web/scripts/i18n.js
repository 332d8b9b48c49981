// Compiles the message files into src/lib/paraglide, so that svelte-check and the unit tests
// can run on a clean clone before Vite has ever built the app.
import { compile } from '@inlang/paraglide-js';
import { fileURLToPath } from 'node:url';
import { paraglideOptions } from '../paraglide.config.js';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
await compile(paraglideOptions);
// The inlang SDK leaves work scheduled that keeps Node alive for about 30 s after compiling;
// the files are written by now, so there is nothing left to wait for.
process.exit(0);
