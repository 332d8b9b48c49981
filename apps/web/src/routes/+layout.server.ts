import { sqlIfOpen } from '$lib/server/platform/database';
import { unreadCount } from '$lib/server/people/inbox';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, url }) => ({
  locale: locals.locale,
  elderMode: locals.elderMode,
  // The settings forms send the visitor back here after a change.
  returnTo: url.pathname + url.search,
  // Only the name the header shows; pages that need more about the user load it themselves.
  user: locals.user === null ? null : { displayName: locals.user.displayName },
  // The header's inbox link shows how many notifications are unread (one indexed count).
  unread: await unreadOf(locals.user?.id ?? null)
});

async function unreadOf(userId: string | null): Promise<number | null> {
  const db = sqlIfOpen();
  if (userId === null || db === undefined) return null;
  return unreadCount(db, userId);
}
