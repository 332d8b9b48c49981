import { safeReturnPath } from '$lib/preferences';

/**
 * Where to go after signing in: the `next` path the visitor was sent from, if it is a path on
 * this site, else their account page. Only a relative path starting with a single "/" is taken,
 * so a crafted link cannot bounce a fresh session to another site.
 */
export function nextPath(candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate === '') return '/account';
  if (safeReturnPath(candidate) !== candidate) return '/account';
  // Going back to the sign-in or sign-out pages would loop, or undo what just happened.
  if (/^\/(login|logout)(?:[/?#]|$)/.test(candidate)) return '/account';
  return candidate;
}

/** The `?next=` part to carry along, or nothing when it is the default anyway. */
export function nextQuery(next: string): string {
  return next === '/account' ? '' : `?next=${encodeURIComponent(next)}`;
}
