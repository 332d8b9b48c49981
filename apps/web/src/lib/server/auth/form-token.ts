import type { Cookies } from '@sveltejs/kit';
import { timingSafeEqual } from 'node:crypto';
import { isWellFormedToken, newToken } from './tokens';

/**
 * The invitation and reset pages carry a secret token in their URL, so they send
 * `Referrer-Policy: no-referrer`. Under that policy a browser sends `Origin: null` with the
 * page's own form posts, and an Origin check can no longer tell them from a post out of a
 * sandboxed frame on another site. These pages' forms therefore carry a second proof instead: a
 * random form token that the page's load also set in a SameSite=Strict, HttpOnly cookie
 * (the double-submit pattern). Another site can neither read the cookie nor make the browser send
 * it with a cross-site post.
 */
export const FORM_TOKEN_COOKIE = 'gj_form';
export const FORM_TOKEN_FIELD = '_form';
const FORM_TOKEN_MAX_AGE_SECONDS = 2 * 60 * 60;

/** The visitor's form token, issued now if they have none; the page puts it in a hidden field. */
export function issueFormToken(cookies: Cookies, secure: boolean): string {
  const existing = cookies.get(FORM_TOKEN_COOKIE);
  if (existing !== undefined && isWellFormedToken(existing)) return existing;
  const token = newToken();
  cookies.set(FORM_TOKEN_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: FORM_TOKEN_MAX_AGE_SECONDS
  });
  return token;
}

/** Whether a posted form carries the same token as the visitor's cookie. */
export function formTokenMatches(cookieValue: string | undefined, fieldValue: FormDataEntryValue | null): boolean {
  if (cookieValue === undefined || typeof fieldValue !== 'string') return false;
  if (!isWellFormedToken(cookieValue) || !isWellFormedToken(fieldValue)) return false;
  return timingSafeEqual(Buffer.from(cookieValue), Buffer.from(fieldValue));
}
