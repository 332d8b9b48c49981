import { m } from '$lib/paraglide/messages';

/** How a household paid, in the visitor's language (the server's RAISE_METHODS). */
export const methodNames: Record<'cash' | 'bank' | 'wechat' | 'hand', () => string> = {
  cash: () => m.raise_method_cash(),
  bank: () => m.raise_method_bank(),
  wechat: () => m.raise_method_wechat(),
  hand: () => m.raise_method_hand()
};
