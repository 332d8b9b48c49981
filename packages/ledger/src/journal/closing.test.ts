import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHART_MINFEI_2026 } from '../chart/chart.js';
import { ACCOUNTS } from '../chart/minfei-2026.js';
import type { Account } from '../chart/account.js';
import { Money, money } from '../money/money.js';
import {
  closingEntries,
  decideMonthClose,
  decideYearClose,
  monthEnd,
  monthLabel,
  nextMonth,
  planRestrictionRelease
} from './closing.js';
import type { Posting } from './types.js';

const RESTRICTED_UNIT: Account = {
  code: '4101.01.U-school-3',
  name: { zh: '捐赠收入—限定性收入—学校', en: 'Donation income: restricted: school' },
  kind: 'income',
  normalSide: 'credit',
  restriction: null,
  flags: { mustNotGoNegative: false, availableMustNotGoNegative: false, closed: false },
  parent: '4101.01'
};
const ACCOUNTS_ALL: readonly Account[] = [...CHART_MINFEI_2026.accounts, RESTRICTED_UNIT];

/** Debits minus credits per account, in fen. */
function apply(balances: Map<string, bigint>, postings: readonly Posting[]): void {
  for (const posting of postings) {
    const signed = posting.side === 'debit' ? posting.amount.toMinor() : -posting.amount.toMinor();
    balances.set(posting.account, (balances.get(posting.account) ?? 0n) + signed);
  }
}

function asMoney(balances: ReadonlyMap<string, bigint>): Map<string, Money> {
  return new Map([...balances].map(([code, minor]) => [code, Money.fromMinor(minor)]));
}

function sumOf(postings: readonly Posting[]): bigint {
  const balances = new Map<string, bigint>();
  apply(balances, postings);
  return [...balances.values()].reduce((sum, value) => sum + value, 0n);
}

describe('months', () => {
  it('knows a month’s last day, the next month and the memo label', () => {
    expect(monthEnd('2026-02')).toBe('2026-02-28');
    expect(monthEnd('2028-02')).toBe('2028-02-29');
    expect(monthEnd('2026-11')).toBe('2026-11-30');
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(nextMonth('2026-09')).toBe('2026-10');
    expect(monthLabel('2026-11')).toBe('2026年11月');
  });
});

describe('decideMonthClose', () => {
  it('lets the first close take any month that has ended in China', () => {
    expect(decideMonthClose('2026-03', { closedThrough: null, today: '2026-12-06' })).toEqual({
      ok: true,
      value: { month: '2026-03', periodEnd: '2026-03-31' }
    });
    expect(decideMonthClose('2026-11', { closedThrough: null, today: '2026-12-01' }).ok).toBe(true);
    expect(decideMonthClose('2026-11', { closedThrough: null, today: '2026-11-30' })).toMatchObject({
      code: 'month_has_not_ended'
    });
  });

  it('closes months in order, without gaps, and never twice', () => {
    const state = { closedThrough: '2026-09-30', today: '2026-12-06' };
    expect(decideMonthClose('2026-10', state).ok).toBe(true);
    expect(decideMonthClose('2026-11', state)).toMatchObject({
      code: 'month_must_follow_the_last_close',
      expected: '2026-10'
    });
    expect(decideMonthClose('2026-09', state)).toMatchObject({ code: 'month_is_already_closed' });
    expect(decideMonthClose('2026-13', state)).toMatchObject({ code: 'month_must_be_valid' });
    expect(decideMonthClose('constructor', state)).toMatchObject({ code: 'month_must_be_valid' });
  });

  it('closes a year once its December is closed, and marks it once', () => {
    expect(decideYearClose(2026, { closedThrough: '2026-11-30', yearsClosed: [] })).toMatchObject({
      code: 'year_needs_december_closed'
    });
    expect(decideYearClose(2026, { closedThrough: '2026-12-31', yearsClosed: [] })).toEqual({
      ok: true,
      value: { year: 2026, periodEnd: '2026-12-31' }
    });
    expect(decideYearClose(2026, { closedThrough: '2027-01-31', yearsClosed: [2026] })).toMatchObject({
      code: 'year_is_already_closed'
    });
  });

  it('over random sequences, the months closed are consecutive and all ended', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }), (picks) => {
        const today = '2027-03-15';
        let closedThrough: string | null = null;
        const closed: string[] = [];
        for (const pick of picks) {
          const month = `${2024 + Math.floor(pick / 12)}-${String((pick % 12) + 1).padStart(2, '0')}`;
          const decision = decideMonthClose(month, { closedThrough, today });
          if (!decision.ok) continue;
          closed.push(month);
          closedThrough = decision.value.periodEnd;
        }
        closed.forEach((month, index) => {
          expect(monthEnd(month) < today).toBe(true);
          if (index > 0) expect(month).toBe(nextMonth(closed[index - 1] as string));
        });
      })
    );
  });
});

describe('closingEntries', () => {
  it('carries restricted income to 3102, the rest of income and every expense to 3101', () => {
    const balances = new Map<string, Money>([
      ['4101.01.U-school-3', money('-5000')],
      ['4401.01', money('-1000')],
      ['4101.02', money('-300')],
      ['4601', money('-12.34')],
      ['5101', money('2800')],
      ['5201', money('-10')],
      ['1002.01', money('9999')]
    ]);
    const entries = closingEntries({ accounts: ACCOUNTS_ALL, balances, month: '2026-11' });
    expect(entries.map((entry) => entry.memo)).toEqual(['结账：2026年11月 收入结转', '结账：2026年11月 费用结转']);
    const after = new Map<string, bigint>([...balances].map(([code, amount]) => [code, amount.toMinor()]));
    for (const entry of entries) {
      expect(sumOf(entry.postings)).toBe(0n);
      apply(after, entry.postings);
    }
    expect(after.get(ACCOUNTS.netAssetsRestricted)).toBe(-600000n);
    expect(after.get(ACCOUNTS.netAssetsUnrestricted)).toBe(-31234n + 279000n);
    for (const code of ['4101.01.U-school-3', '4401.01', '4101.02', '4601', '5101', '5201']) {
      expect(after.get(code)).toBe(0n);
    }
    expect(after.get('1002.01')).toBe(999900n);
  });

  it('leaves out an entry with nothing to carry', () => {
    expect(closingEntries({ accounts: ACCOUNTS_ALL, balances: new Map(), month: '2026-11' })).toEqual([]);
  });

  it('over random balances, balances each entry, never posts zero and empties income and expenses', () => {
    const codes = ['4101.01.U-school-3', '4101.01', '4101.02', '4401.01', '4401.02', '4601', '4901', '5101', '5201'];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { minLength: codes.length }), (fen) => {
        const balances = new Map(codes.map((code, index) => [code, Money.fromMinor(BigInt(fen[index] ?? 0))]));
        const after = new Map([...balances].map(([code, amount]) => [code, amount.toMinor()]));
        for (const entry of closingEntries({ accounts: ACCOUNTS_ALL, balances, month: '2026-01' })) {
          expect(sumOf(entry.postings)).toBe(0n);
          for (const posting of entry.postings) expect(posting.amount.isPositive()).toBe(true);
          apply(after, entry.postings);
        }
        for (const code of codes) expect(after.get(code)).toBe(0n);
      })
    );
  });
});

const STEP = fc.oneof(
  fc.record({
    kind: fc.constant('income' as const),
    account: fc.constantFrom('4101.01.U-school-3', '4401.01', '4101.02'),
    fen: fc.integer({ min: 1, max: 1_000_000 })
  }),
  fc.record({ kind: fc.constant('release' as const), fen: fc.integer({ min: 1, max: 2_000_000 }) }),
  fc.record({ kind: fc.constant('close' as const) })
);

/** The restricted money the books hold, as the server reads it from the balances. */
function restrictedOf(balances: ReadonlyMap<string, bigint>) {
  return {
    netAssets: Money.fromMinor(-(balances.get(ACCOUNTS.netAssetsRestricted) ?? 0n)),
    income: ['4101.01.U-school-3', '4401.01'].map((account) => ({
      account,
      balance: Money.fromMinor(-(balances.get(account) ?? 0n))
    }))
  };
}

describe('planRestrictionRelease', () => {
  it('over random histories of restricted income, releases and closes, 3102 is never a debit', () => {
    fc.assert(
      fc.property(fc.array(STEP, { maxLength: 40 }), (steps) => {
        const balances = new Map<string, bigint>();
        let restrictedIn = 0n;
        let releasedTotal = 0n;
        for (const step of steps) {
          if (step.kind === 'income') {
            const amount = Money.fromMinor(BigInt(step.fen));
            apply(balances, [
              { account: ACCOUNTS.pool, side: 'debit', amount },
              { account: step.account, side: 'credit', amount }
            ]);
            if (step.account !== '4101.02') restrictedIn += amount.toMinor();
          } else if (step.kind === 'release') {
            const release = planRestrictionRelease(Money.fromMinor(BigInt(step.fen)), restrictedOf(balances));
            expect(sumOf(release.postings)).toBe(0n);
            apply(balances, release.postings);
            releasedTotal += release.released.toMinor();
          } else {
            for (const entry of closingEntries({
              accounts: ACCOUNTS_ALL,
              balances: asMoney(balances),
              month: '2026-01'
            })) {
              apply(balances, entry.postings);
            }
          }
          // 3102 is credit-normal: debits minus credits never above zero.
          expect(balances.get(ACCOUNTS.netAssetsRestricted) ?? 0n).toBeLessThanOrEqual(0n);
          for (const account of ['4101.01.U-school-3', '4401.01']) {
            expect(balances.get(account) ?? 0n).toBeLessThanOrEqual(0n);
          }
          // Never more is released than came in restricted.
          expect(releasedTotal).toBeLessThanOrEqual(restrictedIn);
        }
      })
    );
  });

  it('releases 3102 first, then the open period’s restricted income, and nothing that was never restricted', () => {
    const release = planRestrictionRelease(money('300'), {
      netAssets: money('100'),
      income: [
        { account: '4401.01', balance: money('50') },
        { account: '4101.01.U-a', balance: money('80') },
        { account: '4901', balance: money('1000') }
      ]
    });
    expect(release.released.toString()).toBe('230.00');
    expect(release.postings.map((p) => [p.account, p.side, p.amount.toString()])).toEqual([
      ['3102', 'debit', '100.00'],
      ['3101', 'credit', '100.00'],
      ['4101.01.U-a', 'debit', '80.00'],
      ['4101.02.U-a', 'credit', '80.00'],
      ['4401.01', 'debit', '50.00'],
      ['4401.02', 'credit', '50.00']
    ]);
  });
});
