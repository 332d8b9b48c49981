// The one place that says how messages compile. vite.config.ts passes it to the Vite plugin,
// and scripts/i18n.js uses it to compile before type-checking, so both agree.
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
  project: './project.inlang',
  outdir: './src/lib/paraglide',
  // zh-CN is the base locale; a visitor's choice is kept in a cookie and read on the server, so
  // the first HTML response is already in the right language.
  strategy: ['cookie', 'baseLocale'],
  cookieName: 'gj_locale',
  emitTsDeclarations: true
};
