import { Decimal } from '../money/decimal.js';
import { money, type Money } from '../money/money.js';
import type { ResourceKind } from './three-lists.js';

/*
 * What the books do with what a resource gives: the accounting standard's rule, written once.
 *
 * Source (researched for issue 18; the search tool reached secondary sources only, not the
 * Ministry of Finance's own text, so the article below is cited as those sources give it):
 *
 * - 《民间非营利组织会计制度》, revised by the Ministry of Finance (财政部) in December 2024 and in
 *   force from 2026-01-01 (8 chapters, 95 articles; 中新社 report of 2025-01-03 on the Ministry's
 *   press conference). The revision "adds the accounting of service donations received (接受服务
 *   捐赠)" because volunteer services have grown in kind and number (same report; 《财会月刊》
 *   2025 no. 5, pp. 68-72, "服务捐赠会计规范" on the revised system).
 * - The revised system keeps the rule of the 2004 system (财会〔2004〕7号, chapter 5 收入, art. 58
 *   last paragraph): a service donation received (劳务捐赠, now 服务捐赠: volunteers' time,
 *   professional help, and the free use of a room, which is a service the owner renders) is NOT
 *   recognised as income; the organisation discloses it in the notes to its statements (会计报表
 *   附注) by kind and amount. The 《财会月刊》 article lists fair-value measurement of services as
 *   the open question the revision leaves, which is why no value of a service enters the books.
 * - Goods received (实物捐赠, non-cash assets) ARE recognised as 捐赠收入 at fair value when
 *   received (2004 system art. 16 and 58, kept by the revision): at the amount a voucher states
 *   when it is close to fair value, otherwise at fair value; when no fair value can be measured
 *   reliably, the gift is not recognised and is disclosed instead.
 * - Money is recognised when received; the fund's money-in form already posts it.
 *
 * So: services, expertise and room use are disclosed; materials with a reliable fair value are
 * recognised (debit the cost they become, credit 捐赠收入); materials without one are disclosed;
 * money goes through money-in, never through a resource's contribution.
 */

/** The article the public pages name when they say why a contribution is not in the books. */
export const IN_KIND_STANDARD = {
  zh: '《民间非营利组织会计制度》（2024年修订，2026年1月1日起施行）关于服务捐赠“不予确认、在附注中披露”的规定',
  en: 'the 民间非营利组织会计制度 (revised 2024, in force 2026-01-01): service donations are not recognised but disclosed in the notes'
} as const;

/** What the books do with one contribution. */
export type Recognition = 'recognise' | 'disclose' | 'money_in';

/**
 * Whether a contribution of this kind enters the books as 捐赠收入 ('recognise'), stays out of
 * them and is disclosed ('disclose'), or is money, which the money-in form records ('money_in').
 * `valueReliable` says whether its fair value was measured reliably (a voucher, a price list).
 */
export function recognitionOf(kind: ResourceKind, { valueReliable }: { readonly valueReliable: boolean }): Recognition {
  switch (kind) {
    case 'money':
      return 'money_in';
    case 'materials':
      return valueReliable ? 'recognise' : 'disclose';
    case 'volunteer_hours':
    case 'expertise':
    case 'room':
    case 'other':
      // Services, whatever value a provider states, are never recognised (see above); 'other' is
      // not goods the office could count, so it is disclosed too.
      return 'disclose';
  }
}

/** One contribution, as the disclosure counts it. */
export interface InKindContribution {
  readonly kind: ResourceKind;
  /** A decimal string, as numeric(18,2) gives it. */
  readonly quantity: string;
  readonly measure: string;
  /** The stated fair value in yuan, or null. */
  readonly value: Money | null;
}

/** A line of the disclosure: one kind and measure, with what it adds up to. */
export interface DisclosureLine {
  readonly kind: ResourceKind;
  readonly measure: string;
  readonly recognition: Exclude<Recognition, 'money_in'>;
  readonly count: number;
  /** The sum of the quantities, a decimal string with two places. */
  readonly quantity: string;
  /** The sum of the stated values of the contributions that have one. */
  readonly value: Money;
}

/**
 * The year's in-kind and service contributions, summed by recognition, kind and measure (hours
 * with hours, pieces with pieces), in a stable order. Money is left out: it is in the books.
 */
export function inKindDisclosure(contributions: readonly InKindContribution[]): DisclosureLine[] {
  const lines = new Map<string, DisclosureLine>();
  for (const contribution of contributions) {
    const recognition = recognitionOf(contribution.kind, { valueReliable: contribution.value !== null });
    if (recognition === 'money_in') continue;
    const key = JSON.stringify([recognition, contribution.kind, contribution.measure]);
    const line = lines.get(key);
    lines.set(key, {
      kind: contribution.kind,
      measure: contribution.measure,
      recognition,
      count: (line?.count ?? 0) + 1,
      quantity: new Decimal(line?.quantity ?? '0').plus(contribution.quantity).toFixed(2),
      value: (line?.value ?? money('0')).plus(contribution.value ?? money('0'))
    });
  }
  return [...lines.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]) => line);
}
