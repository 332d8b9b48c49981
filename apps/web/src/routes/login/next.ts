import { returnPathOf } from '$lib/preferences';

/**
 * Where to go after signing in: the `next` path the visitor was sent from, if it is a path on
 * this site (the one return-path rule, which also makes it fit a Location header), else their
 * account page, so a crafted link cannot bounce a fresh session to another site.
 */
export function nextPath(candidate: unknown): string {
  const path = returnPathOf(candidate);
  if (path === null) return '/account';
  // Going back to the sign-in or sign-out pages would loop, or undo what just happened.
  if (/^\/(login|logout)(?:[/?#]|$)/.test(path)) return '/account';
  return path;
}

/** The `?next=` part to carry along, or nothing when it is the default anyway. */
export function nextQuery(next: string): string {
  return next === '/account' ? '' : `?next=${encodeURIComponent(next)}`;
}
