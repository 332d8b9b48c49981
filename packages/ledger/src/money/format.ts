export type MoneyLocale = 'zh-CN' | 'en';

export type MoneyFormatOptions = {
  /** Both locales print `¥5,000.00`; the option exists so that callers state which one they render. */
  readonly locale?: MoneyLocale;
  /** Leave out the yuan sign, for tables whose header names the currency. */
  readonly symbol?: boolean;
};

const GROUP_SIZE = 3;

/**
 * Formats a fixed two-decimal string with thousands separators. It groups digits as text, so no
 * amount ever passes through a binary float on its way to the screen.
 */
export function formatMoney(text: string, options: MoneyFormatOptions): string {
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  const [integer = '0', fraction = '00'] = unsigned.split('.');
  const groups: string[] = [];
  for (let end = integer.length; end > 0; end -= GROUP_SIZE) {
    groups.unshift(integer.slice(Math.max(0, end - GROUP_SIZE), end));
  }
  const symbol = options.symbol === false ? '' : '¥';
  return `${negative ? '-' : ''}${symbol}${groups.join(',')}.${fraction}`;
}
