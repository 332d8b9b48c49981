import { returnPathOf } from '$lib/preferences';

/**
 * Where to go after signing in: the `next` path the visitor was sent from, if it is a path on
 * this site (the one return-path rule, which also makes it fit a Location header), else the home
 * page, whose first section is the person's to-do list, so a crafted link cannot bounce a fresh
 * session to another site.
 */
export function nextPath(candidate: unknown): string {
  const path = returnPathOf(candidate);
  if (path === null) return AFTER_SIGN_IN;
  // Going back to the sign-in or sign-out pages would loop, or undo what just happened.
  if (/^\/(login|logout)(?:[/?#]|$)/.test(path)) return AFTER_SIGN_IN;
  return path;
}

/** Where a person lands after signing in when nothing else was asked: what waits for them. */
export const AFTER_SIGN_IN = '/';

/** The `?next=` part to carry along, or nothing when it is the default anyway. */
export function nextQuery(next: string): string {
  return next === AFTER_SIGN_IN ? '' : `?next=${encodeURIComponent(next)}`;
}
