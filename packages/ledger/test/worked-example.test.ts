import { describe, expect, it } from 'vitest';
import {
  allocate,
  computeMatch,
  contributorStatement,
  generalLedger,
  money,
  projectAccounts,
  projectStatement,
  sourcesAndUses,
  statementOfActivities,
  statementOfFinancialPosition,
  verifyChain,
  type MatchPolicy
} from '../src/index.js';
import { books, balancesOf } from './support/journal.js';
import { HOUSEHOLDS, WORKED_EXAMPLE } from './support/worked-example.js';

const POLICY: MatchPolicy = {
  ratioDefault: '0.6',
  capPerProject: null,
  categories: {},
  capPerCompoundPerYear: money('20000'),
  selfRaisedShareMin: '0.2',
  roundingUnit: money('1'),
  overrideBand: { ratioMin: '0.4', ratioMax: '0.8' },
  releaseMode: 'all_when_target_met'
};

const strings = (record: Record<string, { toString(): string }>) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value.toString()]));

describe('the worked example, end to end', () => {
  const book = books(WORKED_EXAMPLE);
  const input = { accounts: book.accounts(), entries: book.entries() };
  const barrier = projectAccounts('barrier');
  if (!barrier.ok) throw new Error(barrier.code);

  it('computes the match that the approval reserved', () => {
    const decision = computeMatch(POLICY, {
      costEligible: money('5000'),
      compoundMatchedThisYear: money('0'),
      poolAvailable: money('100000')
    });
    expect(decision).toMatchObject({ ok: true });
    expect(decision.ok && decision.value.match.toString()).toBe(book.holds()[0]?.amount.toString());
  });

  it('leaves the pool at 97,000 with nothing held, and the project account empty', () => {
    expect(balancesOf(book, ['1002.01', '1002.02.P-barrier', '2209.P-barrier', '5101.P-barrier', '4101.01'])).toEqual({
      '1002.01': '97000.00',
      '1002.02.P-barrier': '0.00',
      '2209.P-barrier': '0.00',
      '5101.P-barrier': '3000.00',
      '4101.01': '0.00'
    });
    expect(book.available('1002.01').toString()).toBe('97000.00');
    expect(book.holds()[0]?.status).toBe('settled');
    expect(book.trialBalance().balanceTotal.isZero()).toBe(true);
    expect(verifyChain(book.entries()).ok).toBe(true);
  });

  it('states the financial position, with net assets by restriction', () => {
    const position = statementOfFinancialPosition({ ...input, asOf: '2026-03-31' });
    expect(position.assets.map((line) => `${line.account} ${line.amount.toString()}`)).toEqual(['1002 97000.00']);
    expect(
      strings({
        assets: position.assetsTotal,
        liabilities: position.liabilitiesTotal,
        restricted: position.netAssetsRestricted,
        unrestricted: position.netAssetsUnrestricted,
        total: position.liabilitiesAndNetAssetsTotal
      })
    ).toEqual({
      assets: '97000.00',
      liabilities: '0.00',
      restricted: '97000.00',
      unrestricted: '0.00',
      total: '97000.00'
    });
  });

  it('states the activities in restricted and unrestricted columns', () => {
    const activities = statementOfActivities({ ...input, period: { dateFrom: '2026-01-01', dateTo: '2026-12-31' } });
    expect(
      activities.income.map((line) => `${line.account} ${line.unrestricted.toString()} ${line.restricted.toString()}`)
    ).toEqual(['4101 0.00 100000.00']);
    expect(activities.expenses.map((line) => `${line.account} ${line.unrestricted.toString()}`)).toEqual([
      '5101 3000.00'
    ]);
    expect(
      strings({
        released: activities.released,
        unrestricted: activities.changeUnrestricted,
        restricted: activities.changeRestricted
      })
    ).toEqual({
      released: '3000.00',
      unrestricted: '0.00',
      restricted: '97000.00'
    });
  });

  it('shows where the cash came from and went', () => {
    const cash = sourcesAndUses({ ...input, period: { dateFrom: '2026-03-01', dateTo: '2026-03-31' } });
    expect(cash.sources.map((line) => `${line.account} ${line.amount.toString()}`)).toEqual([
      '2209 2000.00',
      '4101 100000.00'
    ]);
    expect(cash.uses.map((line) => `${line.account} ${line.amount.toString()}`)).toEqual([
      '2209 2000.00',
      '5101 3000.00'
    ]);
    expect(cash.sourcesTotal.minus(cash.usesTotal).equals(cash.cashClosing.minus(cash.cashOpening))).toBe(true);
  });

  it('gives the project statement: budget against actual, match against self-raised', () => {
    const statement = projectStatement({
      entries: book.entries(),
      holds: book.holds(),
      accounts: barrier.value,
      projectId: 'barrier',
      budget: money('5000'),
      matchApproved: money('3000')
    });
    expect(strings(statement)).toEqual({
      budget: '5000.00',
      matchApproved: '3000.00',
      matchReserved: '0.00',
      matchPaid: '3000.00',
      selfRaisedReceived: '2000.00',
      selfRaisedRefunded: '0.00',
      costMatch: '3000.00',
      costSelfRaised: '2000.00',
      costActual: '5000.00',
      budgetVariance: '0.00',
      fundsHeld: '0.00'
    });
  });

  it('gives each unit its statement, and the general ledger a running balance', () => {
    expect(contributorStatement({ entries: book.entries(), unitId: 'u11' }).total.toString()).toBe('9090.90');
    expect(
      contributorStatement({ entries: book.entries(), unitId: 'u01' }).lines.map((line) => line.amount.toString())
    ).toEqual(['9090.91']);
    const ledger = generalLedger({ ...input, account: '1002', subtree: true, period: { dateFrom: '2026-03-12' } });
    expect(ledger.balanceOpening.toString()).toBe('100000.00');
    expect(ledger.lines.map((line) => `${line.account} ${line.balance.toString()}`)).toEqual([
      '1002.02.P-barrier 102000.00',
      '1002.02.P-barrier 105000.00',
      '1002.01 102000.00',
      '1002.02.P-barrier 97000.00'
    ]);
  });
});

describe('an underrun: the barrier costs 4,500', () => {
  const shares = allocate(
    money('200'),
    HOUSEHOLDS.map(() => money('80'))
  );
  if (!shares.ok) throw new Error(shares.code);
  const refunds = HOUSEHOLDS.map(
    (household, index) => `1002.02.P-barrier  -${shares.value[index]?.toString()}  ; ${household}`
  ).join('\n');
  const UNDERRUN =
    WORKED_EXAMPLE.slice(0, WORKED_EXAMPLE.indexOf('2026-03-20')) +
    `
    2026-03-20 * "支付道闸更换款：实际 4,500" app:barrier
      5101.P-barrier      2700.00
      2209.P-barrier      1800.00
      1002.02.P-barrier  -4500.00
    2026-03-21 * "未用配套资金退回基金池" app:barrier
      1002.01             300.00
      1002.02.P-barrier  -300.00
    2026-03-22 * "自筹结余按比例退还住户" app:barrier
      2209.P-barrier      200.00
      ${refunds}
    2026-03-22 * "配套资金已用于项目，解除限制" app:barrier
      3102                2700.00
      3101               -2700.00
  `;

  it('returns 300 to the pool and refunds 8.00 to each household, leaving the project account empty', () => {
    const book = books(UNDERRUN);
    expect(balancesOf(book, ['1002.01', '1002.02.P-barrier', '2209.P-barrier', '5101.P-barrier'])).toEqual({
      '1002.01': '97300.00',
      '1002.02.P-barrier': '0.00',
      '2209.P-barrier': '0.00',
      '5101.P-barrier': '2700.00'
    });
    expect(shares.value.every((share) => share.equals(money('8')))).toBe(true);
    const barrier = projectAccounts('barrier');
    if (!barrier.ok) throw new Error(barrier.code);
    const statement = projectStatement({
      entries: book.entries(),
      accounts: barrier.value,
      projectId: 'barrier',
      budget: money('5000'),
      matchApproved: money('3000')
    });
    expect(
      strings({
        matchPaid: statement.matchPaid,
        refunded: statement.selfRaisedRefunded,
        actual: statement.costActual,
        variance: statement.budgetVariance
      })
    ).toEqual({
      matchPaid: '2700.00',
      refunded: '200.00',
      actual: '4500.00',
      variance: '500.00'
    });
  });
});
