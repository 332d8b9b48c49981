/** Cookie names and values shared by the server hooks and the settings actions. */
export const ELDER_MODE_COOKIE = 'gj_elder';

/** A year: a visitor's language and text size are kept until they change them. */
export const PREFERENCE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;

/**
 * Where to send the visitor after they change a setting: back to the page they were on, but
 * only a path on this site, never another origin (an open redirect).
 */
export function safeReturnPath(candidate: unknown): string {
  if (typeof candidate !== 'string') return '/';
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f]/.test(candidate)) return '/';
  return candidate;
}
