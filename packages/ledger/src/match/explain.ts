import { Decimal } from '../money/decimal.js';
import type { MoneyLocale } from '../money/format.js';
import type { MatchLimit, MatchStep, RatioSource } from './compute.js';

function percent(ratio: string): string {
  return `${new Decimal(ratio).times(100).toDecimalPlaces(2).toString()}%`;
}

const LIMIT_NAMES: Readonly<Record<MoneyLocale, Record<MatchLimit, string>>> = {
  'zh-CN': {
    ratio: '配额比例',
    cap_per_project: '单个项目上限',
    cap_per_compound_per_year: '本小区本年度上限',
    pool_available: '基金池可用余额'
  },
  en: {
    ratio: 'the ratio',
    cap_per_project: 'the per-project cap',
    cap_per_compound_per_year: "the compound's annual cap",
    pool_available: "the pool's available balance"
  }
};

function sourceText(step: Extract<MatchStep, { step: 'ratio_chosen' }>, locale: MoneyLocale): string {
  const texts: Record<RatioSource, string> =
    locale === 'zh-CN'
      ? {
          default: '政策默认',
          category: `类别“${step.category ?? ''}”`,
          override: `领导小组调整，理由：${step.reason ?? ''}`
        }
      : {
          default: 'policy default',
          category: `category "${step.category ?? ''}"`,
          override: `set by the leadership group because: ${step.reason ?? ''}`
        };
  return texts[step.source];
}

/** Renders the working of a match, one sentence per step, in Chinese or English. */
export function explainMatch(steps: readonly MatchStep[], locale: MoneyLocale): string[] {
  return steps.map((step) => (locale === 'zh-CN' ? stepZh(step) : stepEn(step)));
}

type RatioApplied = Extract<MatchStep, { step: 'ratio_applied' }>;

function roundingZh(step: RatioApplied): string {
  const f = { locale: 'zh-CN' } as const;
  const unit = step.roundingUnit.format(f);
  if (step.roundingDirection === 'down') return `按 ${unit} 向下取整为 ${step.amount.format(f)}`;
  if (step.roundedDownForShareMin) {
    return `按 ${unit} 四舍五入将使自筹比例低于下限，故向下取整为 ${step.amount.format(f)}`;
  }
  return `按 ${unit} 四舍五入为 ${step.amount.format(f)}`;
}

function roundingEn(step: RatioApplied): string {
  const f = { locale: 'en' } as const;
  const unit = step.roundingUnit.format(f);
  if (step.roundingDirection === 'down') return `rounded down to ${unit}: ${step.amount.format(f)}`;
  if (step.roundedDownForShareMin) {
    return `rounded down to ${unit} (rounding half up would leave the residents below their minimum share): ${step.amount.format(f)}`;
  }
  return `rounded half up to ${unit}: ${step.amount.format(f)}`;
}

function stepZh(step: MatchStep): string {
  const f = { locale: 'zh-CN' } as const;
  switch (step.step) {
    case 'ratio_chosen':
      return `配额比例 ${percent(step.ratio)}（${sourceText(step, 'zh-CN')}）`;
    case 'ratio_applied':
      return `合格费用 ${step.costEligible.format(f)} × ${percent(step.ratio)} = ${step.exact}，${roundingZh(step)}`;
    case 'cap_per_project':
      return `单个项目上限 ${step.cap.format(f)}`;
    case 'cap_per_compound_per_year':
      return `本小区本年度上限 ${step.cap.format(f)}，已配套 ${step.matchedThisYear.format(f)}，尚可配套 ${step.amount.format(f)}`;
    case 'pool_available':
      return `基金池可用余额 ${step.available.format(f)}`;
    case 'match_chosen':
      return `配套资金取以上最小值 ${step.match.format(f)}（受${LIMIT_NAMES['zh-CN'][step.boundBy]}限制）`;
    case 'self_raised':
      return `自筹资金 ${step.costEligible.format(f)} − ${step.match.format(f)} = ${step.selfRaised.format(f)}，占 ${percent(step.share)}，不低于 ${percent(step.shareMin)}`;
  }
}

function stepEn(step: MatchStep): string {
  const f = { locale: 'en' } as const;
  switch (step.step) {
    case 'ratio_chosen':
      return `Match ratio ${percent(step.ratio)} (${sourceText(step, 'en')}).`;
    case 'ratio_applied':
      return `Eligible cost ${step.costEligible.format(f)} × ${percent(step.ratio)} = ${step.exact}, ${roundingEn(step)}.`;
    case 'cap_per_project':
      return `Per-project cap: ${step.cap.format(f)}.`;
    case 'cap_per_compound_per_year':
      return `The compound's annual cap is ${step.cap.format(f)}, ${step.matchedThisYear.format(f)} already matched, ${step.amount.format(f)} left.`;
    case 'pool_available':
      return `The pool has ${step.available.format(f)} available.`;
    case 'match_chosen':
      return `The match is the smallest of these, ${step.match.format(f)}, set by ${LIMIT_NAMES.en[step.boundBy]}.`;
    case 'self_raised':
      return `Self-raised: ${step.costEligible.format(f)} − ${step.match.format(f)} = ${step.selfRaised.format(f)}, ${percent(step.share)} of the cost (at least ${percent(step.shareMin)}).`;
  }
}
