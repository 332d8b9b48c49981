import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';
import { paraglideOptions } from './paraglide.config.js';

export default defineConfig({
  plugins: [paraglideVitePlugin(paraglideOptions), sveltekit()],
  // Workspace packages are compiled from their TypeScript sources (the "source" export
  // condition) and bundled into the server build, so the app never runs a stale dist/.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: {
    noExternal: ['@gongjian/ledger'],
    resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['node'] }
  },
  server: { fs: { allow: ['../../packages'] } }
});
