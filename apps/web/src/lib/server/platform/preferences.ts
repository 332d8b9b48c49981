import * as v from 'valibot';
import { cookieName as LOCALE_COOKIE, cookieMaxAge, locales, type Locale } from '$lib/paraglide/runtime';
import { ELDER_MODE_COOKIE, PREFERENCE_MAX_AGE_SECONDS, safeReturnPath } from '$lib/preferences';
import type { Cookies } from '@sveltejs/kit';

/**
 * A visitor's display preferences: language and text size. They are not personal data and need
 * no login; they live in two cookies that the server reads while rendering, so the very first
 * HTML is already in the right language and size.
 */
export type PreferenceResult =
  { ok: true; returnTo: string } | { ok: false; code: 'preference_must_be_one_of_the_options' };

const LanguageForm = v.object({ locale: v.picklist(locales), returnTo: v.optional(v.string()) });
const TextSizeForm = v.object({ elderMode: v.picklist(['on', 'off']), returnTo: v.optional(v.string()) });

export function chooseLanguage(form: FormData, cookies: Cookies): PreferenceResult {
  const parsed = v.safeParse(LanguageForm, Object.fromEntries(form));
  if (!parsed.success) return { ok: false, code: 'preference_must_be_one_of_the_options' };
  setLanguageCookie(cookies, parsed.output.locale);
  return { ok: true, returnTo: safeReturnPath(parsed.output.returnTo) };
}

export function chooseTextSize(form: FormData, cookies: Cookies): PreferenceResult {
  const parsed = v.safeParse(TextSizeForm, Object.fromEntries(form));
  if (!parsed.success) return { ok: false, code: 'preference_must_be_one_of_the_options' };
  if (parsed.output.elderMode === 'on') {
    cookies.set(ELDER_MODE_COOKIE, '1', {
      path: '/',
      maxAge: PREFERENCE_MAX_AGE_SECONDS,
      sameSite: 'lax',
      httpOnly: true
    });
  } else {
    cookies.delete(ELDER_MODE_COOKIE, { path: '/' });
  }
  return { ok: true, returnTo: safeReturnPath(parsed.output.returnTo) };
}

function setLanguageCookie(cookies: Cookies, locale: Locale): void {
  // Paraglide's browser runtime reads this cookie too, so it cannot be HttpOnly.
  cookies.set(LOCALE_COOKIE, locale, { path: '/', maxAge: cookieMaxAge, sameSite: 'lax', httpOnly: false });
}
