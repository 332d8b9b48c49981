import type { Locale } from './paraglide/runtime';

/** Picks the name stored for the visitor's language; Chinese is the fallback for any other. */
export function localized(locale: Locale, names: { zh: string; en: string }): string {
  return locale === 'en' ? names.en : names.zh;
}

export function otherLocale(locale: Locale): Locale {
  return locale === 'en' ? 'zh-CN' : 'en';
}
