import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => ({
  locale: locals.locale,
  elderMode: locals.elderMode,
  // The settings forms send the visitor back here after a change.
  returnTo: url.pathname + url.search
});
