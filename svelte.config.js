// The one Svelte and SvelteKit configuration. apps/web/svelte.config.js re-exports it,
// because SvelteKit looks for its config in the directory it runs from.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// Vite's dev server injects component styles as <style> elements from JavaScript, which a
// strict style-src would block; production builds emit CSS files, so only dev relaxes it.
const isDevServer = process.argv.includes('dev');

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true
  },
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    // SvelteKit rejects cross-origin form posts by default; keep that explicit and empty.
    csrf: { trustedOrigins: [] },
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': isDevServer ? ['self', 'unsafe-inline'] : ['self'],
        // SvelteKit's route announcer (the live region that tells screen readers a new page has
        // loaded) carries one fixed inline style attribute; this allows exactly that one.
        'style-src-attr': isDevServer
          ? ['unsafe-inline']
          : ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'form-action': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'frame-ancestors': ['none']
      }
    },
    version: { pollInterval: 0 }
  }
};

export default config;
