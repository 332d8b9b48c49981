// SvelteKit loads svelte.config.js from the directory it runs in; the real config is the
// repository's root svelte.config.js, shared by the app, svelte-check and the tests.
export { default } from '../../svelte.config.js';
