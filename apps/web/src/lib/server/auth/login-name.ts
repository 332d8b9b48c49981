/**
 * Login names are what people type: a mobile number, often with spaces or a +86 prefix, or a
 * short user name. They are stored in one normal form, so "138 0013 8000", "+86 13800138000" and
 * "13800138000" are the same account, and "Wang.Li" is "wang.li".
 */
export const LOGIN_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

export function normaliseLoginName(input: string): string {
  const trimmed = input.normalize('NFKC').trim().toLowerCase();
  const digits = trimmed.replace(/[\s()-]/g, '');
  if (/^\+?[0-9]+$/.test(digits)) {
    const bare = digits.replace(/^\+/, '');
    // A Chinese mobile number with its country code (86) is the same number without it.
    return /^861[0-9]{10}$/.test(bare) ? bare.slice(2) : bare;
  }
  return trimmed;
}

export function isValidLoginName(normalised: string): boolean {
  return LOGIN_NAME_PATTERN.test(normalised);
}
