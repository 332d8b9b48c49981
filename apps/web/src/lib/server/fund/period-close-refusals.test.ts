import { describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import type { Sql } from '../db/client';
import { runCommand, type Failure } from '../platform/command';
import { refusalMessage, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';
import { EXPENSE_REFUSALS } from '../projects/expense-refusals';
import { RAISE_REFUSALS } from '../projects/raise-refusals';
import { MONEY_IN_REFUSALS, MONEY_IN_REFUSED } from './money-in-refusals';
import { PERIOD_CLOSE_REFUSALS, PERIOD_CLOSE_REFUSED } from './period-close-refusals';

/** A database whose every transaction is refused as PostgreSQL refuses an entry in a closed period. */
const closedPeriodSql = {
  begin: () =>
    Promise.reject(
      Object.assign(new Error('entry_date_must_be_in_open_period: entry 9 of fund 1 is dated 2026-10-15'), {
        code: 'GJ020'
      })
    )
} as unknown as Sql;

function inBoth<T>(read: () => T): { zh: T; en: T } {
  try {
    overwriteGetLocale(() => 'zh-CN');
    const zh = read();
    overwriteGetLocale(() => 'en');
    return { zh, en: read() };
  } finally {
    overwriteGetLocale(() => 'zh-CN');
  }
}

describe('a date in a closed period', () => {
  it('is answered by every use case as a refusal, never as a 500', async () => {
    const result = await runCommand<{ ok: true }, Failure<'entry_date_must_be_in_open_period'>>(closedPeriodSql, () =>
      Promise.resolve({ ok: true })
    );
    expect(result).toEqual({ ok: false, code: 'entry_date_must_be_in_open_period' });
  });

  it('reads as a sentence on the date field of every dated money form, in both languages', () => {
    const fallback: RefusalEntry<string> = ['form', () => 'fallback'];
    const tables = [MONEY_IN_REFUSALS, EXPENSE_REFUSALS, RAISE_REFUSALS] as RefusalTable<string>[];
    for (const table of tables) {
      const { zh, en } = inBoth(() => refusalMessage(table, 'entry_date_must_be_in_open_period', fallback));
      expect(zh.message).toContain('已经结账');
      expect(en.message).toContain('closed');
      expect(zh.field).not.toBe('form');
    }
    const money = inBoth(() =>
      refusalMessage(MONEY_IN_REFUSALS, 'entry_date_must_be_in_open_period', MONEY_IN_REFUSED)
    );
    expect(money.zh).toEqual({
      field: 'date',
      message: '到账日期所在的月份已经结账，不能再记入；请记在未结账的月份，更正也记在当期。'
    });
  });

  it('has a sentence for each refusal of the close itself', () => {
    for (const code of ['month_has_not_ended', 'month_must_follow_the_last_close', 'year_needs_december_closed']) {
      const { zh, en } = inBoth(() => refusalMessage(PERIOD_CLOSE_REFUSALS, code, PERIOD_CLOSE_REFUSED));
      expect(zh.message).not.toBe(PERIOD_CLOSE_REFUSED[1]());
      expect(en.message).toMatch(/^[A-Z]/);
    }
  });
});
