/** Cookie names and values shared by the server hooks and the settings actions. */
export const ELDER_MODE_COOKIE = 'gj_elder';

/** A year: a visitor's language and text size are kept until they change them. */
export const PREFERENCE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;

/** Any host will do: it only anchors the parse, and a path that leaves it is refused. */
const RETURN_BASE = 'http://return-path.invalid';

/**
 * A path on this site to send a visitor back to (after a setting, after signing in), ready for a
 * Location header, or null when the candidate could lead elsewhere (an open redirect). The one
 * rule for every redirect to a visitor-given path: only a path starting with a single "/", with
 * no control character; characters a header cannot carry (中文, spaces) come back percent-encoded,
 * as a browser would send them.
 */
export function returnPathOf(candidate: unknown): string | null {
  if (typeof candidate !== 'string') return null;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return null;
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return null;
  // A path resolved against a base always parses; dot segments and backslashes are resolved the
  // way a browser would, so "/..//evil.example" is seen for the "//evil.example" it becomes.
  const url = new URL(candidate, RETURN_BASE);
  if (url.origin !== RETURN_BASE || url.pathname.startsWith('//')) return null;
  return url.pathname + url.search + url.hash;
}

/** Where to send the visitor after they change a setting: back to their page, or home. */
export function safeReturnPath(candidate: unknown): string {
  return returnPathOf(candidate) ?? '/';
}
