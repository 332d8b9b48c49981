import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, money } from '../money/money.js';
import { counterpartySimilarity, matchBankLines, type BankMatchItem } from './match.js';
import { reconciliationOf, decideReconciled, type BankItem } from './reconcile.js';

function item(id: string, date: string, signed: string, counterparty = ''): BankMatchItem {
  const amount = money(signed.replace('-', ''));
  return { id, date, direction: signed.startsWith('-') ? 'out' : 'in', amount, counterparty };
}

describe('matchBankLines', () => {
  it('matches the same amount and direction within three days, closest date first', () => {
    const lines = [item('L1', '2026-03-05', '500'), item('L2', '2026-03-05', '-500')];
    const postings = [
      item('P1', '2026-03-09', '500'),
      item('P2', '2026-03-02', '500'),
      item('P3', '2026-03-04', '500'),
      item('P4', '2026-03-05', '-500.01')
    ];
    expect(matchBankLines({ lines, postings })).toEqual([{ lineId: 'L1', postingId: 'P3' }]);
    expect(matchBankLines({ lines, postings, windowDays: 0 })).toEqual([]);
  });

  it('prefers the more similar counterparty when the dates tie', () => {
    const lines = [item('L1', '2026-03-05', '80', '张三'), item('L2', '2026-03-05', '80', '城东小学')];
    const postings = [
      item('P1', '2026-03-05', '80', '城东小学（网格单位）'),
      item('P2', '2026-03-05', '80', '张三 自筹')
    ];
    expect(matchBankLines({ lines, postings })).toEqual([
      { lineId: 'L1', postingId: 'P2' },
      { lineId: 'L2', postingId: 'P1' }
    ]);
  });

  const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
  const amount = fc.constantFrom('10', '20', '-10', '-30');
  const items = (prefix: string) =>
    fc
      .array(fc.tuple(day, amount, fc.constantFrom('甲', '乙', '')), { maxLength: 25 })
      .map((rows) =>
        rows.map(([date, signed, who], index) => item(`${prefix}${String(index).padStart(3, '0')}`, date, signed, who))
      );

  it('never matches anything twice, only equal amounts within the window, whatever the order', () => {
    fc.assert(
      fc.property(items('L'), items('P'), fc.integer({ min: 0, max: 5 }), (lines, postings, windowDays) => {
        const pairs = matchBankLines({ lines, postings, windowDays });
        expect(new Set(pairs.map((pair) => pair.lineId)).size).toBe(pairs.length);
        expect(new Set(pairs.map((pair) => pair.postingId)).size).toBe(pairs.length);
        for (const pair of pairs) {
          const line = lines.find((candidate) => candidate.id === pair.lineId);
          const posting = postings.find((candidate) => candidate.id === pair.postingId);
          expect(line?.amount.equals(posting?.amount ?? Money.zero())).toBe(true);
          expect(line?.direction).toBe(posting?.direction);
          const gap = Math.abs(Date.parse(line?.date ?? '') - Date.parse(posting?.date ?? '')) / 86_400_000;
          expect(gap).toBeLessThanOrEqual(windowDays);
        }
        expect(matchBankLines({ lines: [...lines].reverse(), postings: [...postings].reverse(), windowDays })).toEqual(
          pairs
        );
      })
    );
  });

  it('matches every line when the books hold each one on the same day', () => {
    fc.assert(
      fc.property(items('L'), (lines) => {
        const postings = lines.map((line) => ({ ...line, id: `P${line.id}` }));
        expect(matchBankLines({ lines, postings })).toHaveLength(lines.length);
      })
    );
  });
});

describe('counterpartySimilarity', () => {
  it('is 1 for a name inside the other, 0 for nothing shared, symmetric in between', () => {
    expect(counterpartySimilarity('城东小学', '城东小学（网格单位）')).toBe(1);
    expect(counterpartySimilarity('甲乙', '丙丁')).toBe(0);
    expect(counterpartySimilarity('', '甲')).toBe(0);
    expect(counterpartySimilarity('城东中学', '城西中学')).toBe(counterpartySimilarity('城西中学', '城东中学'));
  });
});

describe('reconciliationOf', () => {
  const fen = fc.bigInt({ min: 1n, max: 10_000_000n });
  const movement = fc.record({
    direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
    amount: fen.map((minor) => Money.fromMinor(minor)),
    where: fc.constantFrom('both', 'bank', 'book')
  });

  it('brings the book and the bank to the same adjusted balance when every item is listed', () => {
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 40 }), (movements) => {
        const signed = (item: BankItem) => (item.direction === 'in' ? item.amount : item.amount.negated());
        const sum = (where: string) =>
          Money.sum(movements.filter((move) => move.where === 'both' || move.where === where).map(signed));
        const reconciliation = reconciliationOf({
          bookBalance: sum('book'),
          bankBalance: sum('bank'),
          bankOnly: movements.filter((move) => move.where === 'bank'),
          bookOnly: movements.filter((move) => move.where === 'book')
        });
        expect(reconciliation.agrees).toBe(true);
        expect(reconciliation.bookAdjusted.equals(reconciliation.bankAdjusted)).toBe(true);
      })
    );
  });

  it('shows the difference when an item is missing, and refuses to mark the period', () => {
    const reconciliation = reconciliationOf({
      bookBalance: money('1000'),
      bankBalance: money('1200'),
      bankOnly: [{ direction: 'in', amount: money('150') }],
      bookOnly: []
    });
    expect(reconciliation.difference.toString()).toBe('-50.00');
    expect(decideReconciled({ reconciliation, linesUnresolved: 0 })).toMatchObject({
      code: 'bank_adjusted_balances_must_agree'
    });
    expect(decideReconciled({ reconciliation, linesUnresolved: 2 })).toMatchObject({
      code: 'bank_lines_must_be_matched_or_explained'
    });
  });
});
