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
    // SvelteKit rejects cross-origin form posts. One "origin" is let through to the hooks: `null`,
    // which browsers send with form posts from a page whose Referrer-Policy is no-referrer, as the
    // invitation and reset pages' is. hooks.server.ts (sameOriginWrites) refuses `Origin: null`
    // everywhere except on those two pages, and there it also demands the page's form token.
    csrf: { trustedOrigins: ['null'] },
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
