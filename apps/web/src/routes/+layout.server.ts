import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => ({
  locale: locals.locale,
  elderMode: locals.elderMode,
  // The settings forms send the visitor back here after a change.
  returnTo: url.pathname + url.search,
  // Only the name the header shows; pages that need more about the user load it themselves.
  user: locals.user === null ? null : { displayName: locals.user.displayName }
});
