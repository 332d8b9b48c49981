import type { Money } from './money.js';

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const POSITIONS_IN_GROUP = ['仟', '佰', '拾', ''] as const;
const GROUP_SIZE = 4;

export type AmountInWordsOptions = {
  /** Prefix 人民币, as vouchers and notices do. On by default. */
  readonly prefix?: boolean;
};

/**
 * Writes an amount in uppercase Chinese following the People's Bank of China rules for filling in
 * bills and vouchers (《支付结算办法》附件《正确填写票据和结算凭证的基本规定》):
 * - 壹拾 is always written with its 壹;
 * - one 零 stands for a run of zeros inside the figure (6,007.14 → 陆仟零柒元壹角肆分);
 * - where the rules leave 零 optional (the 元 or 万 digit is zero and the next digit is not), it is
 *   left out (1,680.32 → 壹仟陆佰捌拾元叁角贰分);
 * - a zero 角 before a non-zero 分 is written 零 (16,409.02 → 壹万陆仟肆佰零玖元零贰分);
 * - 整 follows 元 when there are no 角 and 分, and is not written after 角 or 分.
 */
export function amountInWords(amount: Money, options: AmountInWordsOptions = {}): string {
  const minor = amount.toMinor();
  const magnitude = minor < 0n ? -minor : minor;
  const yuan = magnitude / 100n;
  const jiao = Number((magnitude / 10n) % 10n);
  const fen = Number(magnitude % 10n);
  const prefix = options.prefix === false ? '' : '人民币';
  const sign = minor < 0n ? '负' : '';
  return `${prefix}${sign}${yuanInWords(yuan)}${fractionInWords({ yuan, jiao, fen })}`;
}

function yuanInWords(yuan: bigint): string {
  if (yuan === 0n) {
    return '';
  }
  // Groups of four digits from the highest: 万亿, 亿, 万 and units. 亿 closes the two highest
  // groups together, so 1,0001,0000,0000 reads 壹万零壹亿 rather than 壹万亿零壹亿.
  const groups = splitGroups(yuan);
  const [trillions = 0, hundredMillions = 0, tenThousands = 0, units = 0] = groups;
  const state = { text: '', zeroPending: false };
  appendGroup(state, trillions, '万');
  appendGroup(state, hundredMillions, '');
  if (trillions !== 0 || hundredMillions !== 0) {
    state.text += '亿';
  }
  appendGroup(state, tenThousands, '万');
  appendGroup(state, units, '');
  return `${state.text}元`;
}

function splitGroups(yuan: bigint): number[] {
  const groups: number[] = [];
  let rest = yuan;
  for (let index = 0; index < 4; index += 1) {
    groups.unshift(Number(rest % 10000n));
    rest /= 10000n;
  }
  return groups;
}

function appendGroup(state: { text: string; zeroPending: boolean }, group: number, unit: string): void {
  // A zero run that ends exactly at a group boundary is one of the places where the rules make 零
  // optional; we leave it out, as in 壹拾万柒仟元.
  if (group >= 1000) {
    state.zeroPending = false;
  }
  const digits = String(group).padStart(GROUP_SIZE, '0');
  for (let position = 0; position < GROUP_SIZE; position += 1) {
    const digit = Number(digits[position]);
    if (digit === 0) {
      state.zeroPending = state.text.length > 0;
      continue;
    }
    state.text += `${state.zeroPending ? '零' : ''}${DIGITS[digit]}${POSITIONS_IN_GROUP[position]}`;
    state.zeroPending = false;
  }
  if (group !== 0) {
    state.text += unit;
  }
}

function fractionInWords(parts: { yuan: bigint; jiao: number; fen: number }): string {
  const { yuan, jiao, fen } = parts;
  if (jiao === 0 && fen === 0) {
    return yuan === 0n ? '零元整' : '整';
  }
  const jiaoText = jiao === 0 ? (yuan === 0n ? '' : '零') : `${DIGITS[jiao]}角`;
  const fenText = fen === 0 ? '' : `${DIGITS[fen]}分`;
  return `${jiaoText}${fenText}`;
}
