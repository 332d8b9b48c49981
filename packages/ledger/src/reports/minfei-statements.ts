import type { Account, AccountKind, Restriction } from '../chart/account.js';
import {
  MINFEI_STATEMENT_FORMATS,
  type CashRuleData,
  type FormatLineData,
  type LineSource
} from '../chart/minfei-2024-statement-lines.js';
import { Money } from '../money/money.js';
import { CASH_ACCOUNT_ROOTS, isCashAccount, type Movement } from './movements.js';

/**
 * The three statements of 民间非营利组织会计制度 (资产负债表, 业务活动表, 现金流量表) for any period,
 * with the comparative column each format has, computed from movements (see movements.ts) and the
 * line table in chart/minfei-2024-statement-lines.ts. Closing entries (结账) stay in the balance
 * sheet and are left out of the other two, so the statements read the same before and after a close.
 */

export type StatementPeriod = { readonly from: string; readonly to: string };

export type StatementColumn = {
  /** The group the column belongs to, e.g. 本年累计数; the same for the three columns of a group. */
  readonly group: { readonly zh: string; readonly en: string };
  /** The column itself (非限定性, 限定性, 合计) or the group's name again. */
  readonly zh: string;
  readonly en: string;
  /** The days summed: from null for a balance on a day. */
  readonly from: string | null;
  readonly to: string;
};

export type StatementRow = {
  readonly key: string;
  readonly row: number | null;
  readonly zh: string;
  readonly en: string;
  readonly level: 0 | 1 | 2;
  /** One amount per column, or null for a heading. */
  readonly amounts: readonly Money[] | null;
};

export type FinancialStatement = {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly columns: readonly StatementColumn[];
  readonly rows: readonly StatementRow[];
};

export type MinfeiStatements = {
  readonly standard: string;
  readonly version: string;
  readonly period: StatementPeriod;
  readonly balanceSheet: FinancialStatement;
  readonly activities: FinancialStatement;
  readonly cashFlow: FinancialStatement;
};

export type StatementAccount = Pick<Account, 'code' | 'kind' | 'restriction'>;

export type MinfeiStatementsInput = {
  readonly accounts: Iterable<StatementAccount>;
  readonly movements: readonly Movement[];
  readonly period: StatementPeriod;
};

type Net = Map<string, Money>;

/** Debits less credits per account over the movements a filter keeps. */
function netByAccount(movements: readonly Movement[], keep: (movement: Movement) => boolean): Net {
  const net: Net = new Map();
  for (const movement of movements) {
    if (!keep(movement)) continue;
    net.set(
      movement.account,
      (net.get(movement.account) ?? Money.zero()).plus(movement.debits).minus(movement.credits)
    );
  }
  return net;
}

function matches(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`);
}

/** The source whose prefix is the longest that matches the code, with the line it feeds. */
function longestMatch<T extends { readonly prefix: string }>(code: string, sources: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const source of sources) {
    if (matches(code, source.prefix) && (best === undefined || source.prefix.length > best.prefix.length))
      best = source;
  }
  return best;
}

type KeyedSource = LineSource & { readonly key: string };

function sourcesOf(lines: readonly FormatLineData[]): KeyedSource[] {
  return lines.flatMap((line) => (line.sources ?? []).map((source) => ({ ...source, key: line.key })));
}

const KIND_BY_DIGIT: Readonly<Record<string, AccountKind>> = {
  '1': 'asset',
  '2': 'liability',
  '4': 'income',
  '5': 'expense'
};

/** An account's kind and restriction, from the fund's accounts or, failing that, its code's first digit. */
function classifier(accounts: Iterable<StatementAccount>) {
  const known = new Map<string, StatementAccount>();
  for (const account of accounts) known.set(account.code, account);
  return (code: string): { kind: AccountKind; restriction: Restriction | null } => {
    const account = known.get(code);
    if (account !== undefined) return { kind: account.kind, restriction: account.restriction };
    if (matches(code, '3102')) return { kind: 'net_assets_restricted', restriction: null };
    if (code.startsWith('3')) return { kind: 'net_assets_unrestricted', restriction: null };
    return { kind: KIND_BY_DIGIT[code.charAt(0)] ?? 'asset', restriction: null };
  };
}

type Classify = ReturnType<typeof classifier>;

/** Adds the lines' totals in order; a total names only lines above it. */
function withTotals(lines: readonly FormatLineData[], values: Map<string, Money[]>, width: number): StatementRow[] {
  const rows: StatementRow[] = [];
  for (const line of lines) {
    let amounts: Money[] | null = values.get(line.key) ?? null;
    if (line.sum !== undefined) {
      amounts = Array.from({ length: width }, () => Money.zero());
      for (const term of line.sum) {
        const part = values.get(term.key);
        if (part === undefined) throw new Error(`statement line ${line.key} sums ${term.key}, which is not above it`);
        amounts = amounts.map((amount, index) => {
          const value = part[index] ?? Money.zero();
          return term.sign === 1 ? amount.plus(value) : amount.minus(value);
        });
      }
      values.set(line.key, amounts);
    } else if (line.row !== null && amounts === null) {
      amounts = Array.from({ length: width }, () => Money.zero());
      values.set(line.key, amounts);
    }
    rows.push({ key: line.key, row: line.row, zh: line.zh, en: line.en, level: line.level, amounts });
  }
  return rows;
}

function addAt(values: Map<string, Money[]>, key: string, column: number, amount: Money, width: number): void {
  const amounts = values.get(key) ?? Array.from({ length: width }, () => Money.zero());
  amounts[column] = (amounts[column] ?? Money.zero()).plus(amount);
  values.set(key, amounts);
}

// ---------------------------------------------------------------------------------------------
// 资产负债表

const BALANCE = MINFEI_STATEMENT_FORMATS.balanceSheet;

/** One column of the balance sheet: every account's balance on a day, income and expenses closed virtually. */
function balanceColumn(net: Net, classify: Classify, values: Map<string, Money[]>, column: number): void {
  const sources = sourcesOf(BALANCE.lines);
  for (const [code, balance] of net) {
    const { kind, restriction } = classify(code);
    if (kind === 'income' || kind === 'expense') {
      // Not yet closed: income of a restriction adds to that net assets line, expenses reduce unrestricted.
      const key = kind === 'income' && restriction === 'restricted' ? 'netAssetsRestricted' : 'netAssetsUnrestricted';
      addAt(values, key, column, balance.negated(), 2);
      continue;
    }
    const source = longestMatch(code, sources);
    if (source !== undefined) {
      addAt(values, source.key, column, source.sign === 1 ? balance : balance.negated(), 2);
    } else if (kind === 'asset') {
      addAt(values, BALANCE.fallback.asset, column, balance, 2);
    } else if (kind === 'liability') {
      addAt(values, BALANCE.fallback.liability, column, balance.negated(), 2);
    } else {
      const key = kind === 'net_assets_restricted' ? 'netAssetsRestricted' : 'netAssetsUnrestricted';
      addAt(values, key, column, balance.negated(), 2);
    }
  }
}

function dayBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** 资产负债表 at the period's end, with 年初数 (the balances at the close of the year before). */
export function minfeiBalanceSheet(input: MinfeiStatementsInput): FinancialStatement {
  const classify = classifier(input.accounts);
  const opening = dayBefore(`${input.period.to.slice(0, 4)}-01-01`);
  const values = new Map<string, Money[]>();
  balanceColumn(
    netByAccount(input.movements, (movement) => movement.date <= opening),
    classify,
    values,
    0
  );
  balanceColumn(
    netByAccount(input.movements, (movement) => movement.date <= input.period.to),
    classify,
    values,
    1
  );
  return {
    code: BALANCE.code,
    zh: '资产负债表',
    en: 'Balance sheet',
    columns: [
      { group: { zh: '年初数', en: 'Start of year' }, zh: '年初数', en: 'Start of year', from: null, to: opening },
      {
        group: { zh: '期末数', en: 'End of period' },
        zh: '期末数',
        en: 'End of period',
        from: null,
        to: input.period.to
      }
    ],
    rows: withTotals(BALANCE.lines, values, 2)
  };
}

// ---------------------------------------------------------------------------------------------
// 业务活动表

const ACTIVITIES = MINFEI_STATEMENT_FORMATS.activities;

function inPeriod(movement: Movement, period: StatementPeriod): boolean {
  return movement.date >= period.from && movement.date <= period.to;
}

/** Three columns (非限定性, 限定性, 合计) of the statement of activities over a period, from column `base`. */
function activityColumns(
  input: MinfeiStatementsInput,
  classify: Classify,
  period: StatementPeriod,
  values: Map<string, Money[]>,
  base: number
): void {
  const sources = sourcesOf(ACTIVITIES.lines);
  const net = netByAccount(input.movements, (movement) => !movement.closing && inPeriod(movement, period));
  let released = Money.zero();
  let unrestrictedDirect = Money.zero();
  for (const [code, balance] of net) {
    const { kind, restriction } = classify(code);
    if (kind === 'net_assets_restricted') released = released.plus(balance);
    if (kind === 'net_assets_unrestricted') unrestrictedDirect = unrestrictedDirect.minus(balance);
    if (kind !== 'income' && kind !== 'expense') continue;
    const source = longestMatch(code, sources);
    const key = source?.key ?? (kind === 'income' ? ACTIVITIES.fallback.income : ACTIVITIES.fallback.expense);
    const amount = kind === 'income' ? balance.negated() : balance;
    const restricted = kind === 'income' && restriction === 'restricted';
    addAt(values, key, base + (restricted ? 1 : 0), amount, 6);
    addAt(values, key, base + 2, amount, 6);
  }
  // A release is Dr 3102 / Cr 3101; anything else posted straight to net assets is shown apart.
  addAt(values, 'released', base, released, 6);
  addAt(values, 'released', base + 1, released.negated(), 6);
  addAt(values, 'released', base + 2, Money.zero(), 6);
  const direct = unrestrictedDirect.minus(released);
  addAt(values, 'otherChanges', base, direct, 6);
  addAt(values, 'otherChanges', base + 2, direct, 6);
  addAt(values, 'otherChanges', base + 1, Money.zero(), 6);
}

function isWholeYear(period: StatementPeriod): boolean {
  return (
    period.from.slice(0, 4) === period.to.slice(0, 4) && period.from.endsWith('-01-01') && period.to.endsWith('-12-31')
  );
}

/** The same days one year earlier (29 February becomes the 28th). */
export function yearBefore(day: string): string {
  const year = String(Number(day.slice(0, 4)) - 1).padStart(4, '0');
  const shifted = `${year}${day.slice(4)}`;
  return shifted.endsWith('-02-29') ? `${year}-02-28` : shifted;
}

/** The comparative of the statement of activities: 上年数 for a whole year, else 本年累计数. */
export function activitiesComparative(period: StatementPeriod): {
  kind: 'previous_year' | 'year_to_date';
  period: StatementPeriod;
} {
  if (isWholeYear(period))
    return { kind: 'previous_year', period: { from: yearBefore(period.from), to: yearBefore(period.to) } };
  return { kind: 'year_to_date', period: { from: `${period.to.slice(0, 4)}-01-01`, to: period.to } };
}

const RESTRICTION_COLUMNS = [
  { zh: '非限定性', en: 'Unrestricted' },
  { zh: '限定性', en: 'Restricted' },
  { zh: '合计', en: 'Total' }
] as const;

/** 业务活动表 over the period, with 上年数 (a whole year) or 本年累计数 (any other period) beside it. */
export function minfeiActivities(input: MinfeiStatementsInput): FinancialStatement {
  const classify = classifier(input.accounts);
  const comparative = activitiesComparative(input.period);
  const values = new Map<string, Money[]>();
  activityColumns(input, classify, input.period, values, 0);
  activityColumns(input, classify, comparative.period, values, 3);
  const lines: FormatLineData[] = [...ACTIVITIES.lines];
  const other = values.get('otherChanges') ?? [];
  if (other.some((amount) => !amount.isZero())) {
    // Not a line of the format: only books that post to net assets other than by a release have it.
    const at = lines.findIndex((line) => line.key === 'change');
    const change: FormatLineData | undefined = lines[at];
    if (change === undefined) throw new Error('the statement of activities has no change line');
    lines.splice(
      at,
      1,
      {
        key: 'otherChanges',
        row: null,
        zh: '直接计入净资产的变动',
        en: 'Changes posted directly to net assets',
        level: 1
      },
      { ...change, sum: [...(change.sum ?? []), { key: 'otherChanges', sign: 1 }] }
    );
  }
  const current = isWholeYear(input.period) ? { zh: '本年数', en: 'This year' } : { zh: '本期数', en: 'This period' };
  const previous =
    comparative.kind === 'previous_year' ? { zh: '上年数', en: 'Last year' } : { zh: '本年累计数', en: 'Year to date' };
  const group = (name: { zh: string; en: string }, period: StatementPeriod): StatementColumn[] =>
    RESTRICTION_COLUMNS.map((column) => ({
      group: name,
      zh: column.zh,
      en: column.en,
      from: period.from,
      to: period.to
    }));
  return {
    code: ACTIVITIES.code,
    zh: '业务活动表',
    en: 'Statement of activities',
    columns: [...group(current, input.period), ...group(previous, comparative.period)],
    rows: withTotals(lines, values, 6)
  };
}

// ---------------------------------------------------------------------------------------------
// 现金流量表

const CASH = MINFEI_STATEMENT_FORMATS.cashFlow;

/** One column of the cash flow statement: each cash movement classified by its counter-accounts. */
function cashColumn(
  input: MinfeiStatementsInput,
  period: StatementPeriod,
  values: Map<string, Money[]>,
  column: number
): void {
  const rules: readonly CashRuleData[] = CASH.rules;
  // Cash brought in against an account (its credits less debits), netted per rule or per account.
  const groups = new Map<string, { rule: CashRuleData; amount: Money }>();
  for (const movement of input.movements) {
    if (movement.closing || !movement.withCash || !inPeriod(movement, period)) continue;
    if (isCashAccount(movement.account, CASH_ACCOUNT_ROOTS)) continue;
    const rule = longestMatch(movement.account, rules);
    const groupKey = rule?.prefix ?? movement.account.slice(0, 4);
    const group = groups.get(groupKey) ?? {
      rule: rule ?? { prefix: groupKey, ...CASH.fallback },
      amount: Money.zero()
    };
    group.amount = group.amount.plus(movement.credits).minus(movement.debits);
    groups.set(groupKey, group);
  }
  for (const { rule, amount } of groups.values()) {
    if (amount.isNegative()) addAt(values, rule.outflow, column, amount.negated(), 2);
    else addAt(values, rule.inflow, column, amount, 2);
  }
}

/** 现金流量表 by the direct method over the period, with the same days a year earlier beside it. */
export function minfeiCashFlow(input: MinfeiStatementsInput): FinancialStatement {
  const previous = { from: yearBefore(input.period.from), to: yearBefore(input.period.to) };
  const values = new Map<string, Money[]>();
  cashColumn(input, input.period, values, 0);
  cashColumn(input, previous, values, 1);
  const whole = isWholeYear(input.period);
  return {
    code: CASH.code,
    zh: '现金流量表',
    en: 'Cash flow statement',
    columns: [
      {
        group: whole ? { zh: '本年金额', en: 'This year' } : { zh: '本期金额', en: 'This period' },
        zh: '',
        en: '',
        from: input.period.from,
        to: input.period.to
      },
      {
        group: whole ? { zh: '上年金额', en: 'Last year' } : { zh: '上年同期金额', en: 'Same period last year' },
        zh: '',
        en: '',
        from: previous.from,
        to: previous.to
      }
    ].map((column) => ({ ...column, zh: column.group.zh, en: column.group.en })),
    rows: withTotals(CASH.lines, values, 2)
  };
}

function dayAfter(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The days on which some column of the period's statements starts or stops counting (each the
 * first day counted, or the first day after a column ends), sorted. Movements summed between two
 * consecutive boundaries and dated on the earlier one give every statement exactly what daily
 * movements would, so the database may return a handful of sums instead of one per day; movements
 * before the first boundary may be dated on any earlier day.
 */
export function statementBoundaries(period: StatementPeriod): string[] {
  const comparative = activitiesComparative(period).period;
  const days = [
    `${period.to.slice(0, 4)}-01-01`,
    period.from,
    dayAfter(period.to),
    comparative.from,
    dayAfter(comparative.to),
    yearBefore(period.from),
    dayAfter(yearBefore(period.to))
  ];
  return [...new Set(days)].sort();
}

/** The three statements of one period. */
export function minfeiStatements(input: MinfeiStatementsInput): MinfeiStatements {
  return {
    standard: MINFEI_STATEMENT_FORMATS.standard,
    version: MINFEI_STATEMENT_FORMATS.version,
    period: input.period,
    balanceSheet: minfeiBalanceSheet(input),
    activities: minfeiActivities(input),
    cashFlow: minfeiCashFlow(input)
  };
}

/** One amount of a statement, by line key and column index (zero when the line has none). */
export function statementAmount(statement: FinancialStatement, key: string, column: number): Money {
  const row = statement.rows.find((candidate) => candidate.key === key);
  return row?.amounts?.[column] ?? Money.zero();
}
