import { ACCOUNTS, Money, money, quotaLeft, quotaYearOf, chinaDateOf } from '@gongjian/ledger';
import type { Sql } from '../db/client';
import { poolBalances, unitStatements, type PoolBalances } from '../fund/fund-office';
import { currentPolicy } from '../fund/fund-policy';
import { quotaUsedByCompound } from '../grants/quota';
import type { LedgerHead } from './site';

/**
 * Everything the public fund page (/f/<slug>) shows: where the money came from, where it went,
 * who promised what and paid how much, and how much of its yearly cap each compound has used.
 * Amounts are decimal strings computed in SQL on numeric columns, summed further only with Money.
 *
 * The sources and uses are read from the accounts money lands in (the chart of
 * packages/ledger/src/chart/minfei-2026.ts), one grouped query per figure:
 *   - income accounts 4xxx: a unit's payment is credited to its own sub-account `4101.01.U-<code>`
 *     (or one of 4201 ending in `.U-<code>`), a government grant to 4401.*, any other donation to
 *     4101.*, interest to 4601, anything else to other income;
 *   - a household's self-raised payment is Dr 1002.02.P-n / Cr 2209.P-n: money that enters the
 *     fund's bank for a project, owed to the project until it is spent;
 *   - spending is what expense accounts 5xxx take (a project's match part on 5101.P-n, the fund's
 *     own costs elsewhere) plus the self-raised part of a project's expense, the Dr 2209.P-n of an
 *     entry that also posts to 5101.P-n;
 *   - a refund of self-raised money (Dr 2209.P-n / Cr 1002.02.P-n, no expense account) leaves the
 *     fund but is not spending, so it is reported on its own.
 * A reversal posts the mirror image of the entry it reverses, so signed sums net it out; for the
 * self-raised lines, where the side tells a payment from a refund, a reversal counts as the kind
 * of entry it reverses.
 */

/** Where money came from, in the order the page lists them. */
export const MONEY_SOURCES = ['units', 'government', 'charity', 'self_raised', 'other'] as const;
export type MoneySourceKey = (typeof MONEY_SOURCES)[number];

/** How many months the charts cover: two years, ending with the current month. */
export const MONTHS_SHOWN = 24;

/** The key of the bucket for everything before the months shown. */
export const EARLIER = 'earlier';

/** Amounts by month and by series, with each series' total; `values` line up with `keys`. */
export interface MonthTable<K extends string = string> {
  keys: K[];
  /** Oldest first: `earlier` (only when something happened before the months shown), then YYYY-MM. */
  months: { month: string; values: string[]; total: string }[];
  totals: string[];
  total: string;
}

export interface ProjectSpending {
  /** The project's number, or null for the fund's own costs (not a project's). */
  number: number | null;
  title: string | null;
  category: string | null;
  spent: string;
  refunded: string;
}

export interface CategoryLabelPair {
  zh: string;
  en: string;
}

export interface QuotaRow {
  compoundId: string;
  code: string;
  name: string;
  used: string;
  /** The policy's yearly cap per compound, or null when the policy sets none. */
  cap: string | null;
  /** Cap less used, never below zero; null without a cap. */
  remaining: string | null;
}

export interface ContributorRow {
  name: string;
  pledged: string | null;
  paid: string;
  outstanding: string;
}

export interface FundPage {
  /** The year of the fund's books: the units' pledges and payments are shown for it. */
  fiscalYear: number;
  /** The year whose grants count against the compounds' caps: this year in China. */
  quotaYear: number;
  pool: PoolBalances;
  /** What sits in the projects' own bank sub-accounts (1002.02.*): paid out or raised, not yet spent. */
  projectFunds: string;
  moneyIn: MonthTable<MoneySourceKey>;
  /** Spending by month and category; the key '' is the fund's own costs, not a project's. */
  moneyOut: MonthTable;
  /** Spending and refunds by project, the fund's own costs (number null) last. */
  projects: ProjectSpending[];
  refunded: string;
  /** The names the current policy gives its categories, for the keys of moneyOut. */
  categoryLabels: Record<string, CategoryLabelPair>;
  contributors: ContributorRow[];
  contributorTotals: { pledged: string; paid: string; outstanding: string };
  quota: QuotaRow[];
  /** The day the fund's bank accounts are all reconciled through (对账至), or null. */
  reconciledThrough: string | null;
}

/** The first month shown (YYYY-MM) and the current one, in China's calendar. */
export function monthWindow(now: Date): { first: string; current: string } {
  const current = chinaDateOf(now).slice(0, 7);
  const [year, month] = current.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) - (MONTHS_SHOWN - 1);
  const first = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  return { first, current };
}

function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/** One row of a grouped query: month null on the rows of the per-series totals. */
interface GroupedRow {
  month: string | null;
  key: string;
  amount: string;
}

/**
 * The months both charts show: from the first month with money in or out (or the window's start,
 * when anything moved before it, which the `earlier` bucket then holds) to the current month.
 */
export function monthsAxis(
  rowSets: readonly (readonly { month: string | null }[])[],
  window: { first: string; current: string }
): string[] {
  let firstSeen: string | null = null;
  let earlier = false;
  for (const rows of rowSets) {
    for (const row of rows) {
      if (row.month === null) continue;
      if (row.month === EARLIER) earlier = true;
      else if (firstSeen === null || row.month < firstSeen) firstSeen = row.month;
    }
  }
  if (!earlier && firstSeen === null) return [];
  const months: string[] = earlier ? [EARLIER] : [];
  const start = earlier || firstSeen === null || firstSeen < window.first ? window.first : firstSeen;
  for (let month = start; month <= window.current; month = nextMonth(month)) months.push(month);
  return months;
}

/**
 * Lays grouped rows out as a month table, zeros where nothing moved. Series totals come from the
 * query's own totals rows (month null), so a test can hold the months against them.
 */
export function monthTable<K extends string>(
  keys: readonly K[],
  rows: readonly GroupedRow[],
  months: readonly string[]
): MonthTable<K> {
  const cells = new Map<string, Money>();
  const totals = new Map<string, Money>();
  for (const row of rows) {
    if (row.month === null) totals.set(row.key, money(row.amount));
    else cells.set(`${row.month}|${row.key}`, money(row.amount));
  }
  const zero = Money.zero();
  const laidOut = months.map((month) => {
    const values = keys.map((key) => cells.get(`${month}|${key}`) ?? zero);
    return { month, values: values.map((value) => value.toString()), total: Money.sum(values).toString() };
  });
  const keyTotals = keys.map((key) => totals.get(key) ?? zero);
  return {
    keys: [...keys],
    months: laidOut,
    totals: keyTotals.map((total) => total.toString()),
    total: Money.sum(keyTotals).toString()
  };
}

/** A code range [from, to) that an index range scan reads: every code starting with `prefix`. */
function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/**
 * One row of the flows query: money in by source, spending by project ('' for the fund's own
 * costs) and refunds by project, each by month and (month null) in total over the fund's life.
 * Amounts are positive in the figure's own direction: money received, money spent, money refunded.
 */
interface FlowRow {
  month: string | null;
  figure: 'in' | 'out' | 'refund';
  key: string;
  amount: string;
}

/**
 * The last flows read per fund, with the ledger head they were read at. The flows are the page's
 * one query that grows with the journal (tens of ms at 100,000 entries); they depend on nothing
 * but the journal and the month, so while the head stays put every language, text size and
 * process-cache miss of the page reuses them.
 */
const flowsByFund = new Map<string, { key: string; rows: Promise<FlowRow[]> }>();
const FLOW_CACHE_FUNDS_MAX = 256;

function flowsAt(sql: Sql, fundId: string, firstMonth: string, head: LedgerHead): Promise<FlowRow[]> {
  const key = `${head.seq}:${head.hash}:${firstMonth}`;
  const known = flowsByFund.get(fundId);
  if (known !== undefined && known.key === key) return known.rows;
  const rows = flows(sql, fundId, firstMonth);
  // A failed read is not kept: the next request tries again.
  rows.catch(() => {
    if (flowsByFund.get(fundId)?.rows === rows) flowsByFund.delete(fundId);
  });
  flowsByFund.delete(fundId);
  if (flowsByFund.size >= FLOW_CACHE_FUNDS_MAX) flowsByFund.delete(flowsByFund.keys().next().value ?? '');
  flowsByFund.set(fundId, { key, rows });
  return rows;
}

/**
 * Every money flow the page charts, in one grouped query. The income and expense accounts are
 * read from the day totals (sql/019), summed by day and account, so the classification reads a
 * few hundred rows whatever the size of the ledger (scanning their postings cost about a second
 * at 100,000 entries, see `npm run bench -- scale`); the self-raised lines (2209.*) are classified one by one with their entry,
 * as the side alone does not tell a payment from a refund or an expense.
 */
async function flows(sql: Sql, fundId: string, firstMonth: string): Promise<FlowRow[]> {
  const [accountsFrom, accountsTo] = [`4`, `6`];
  const [payableFrom, payableTo] = prefixRange(`${ACCOUNTS.payablesOther}.`);
  const [projectCostFrom, projectCostTo] = prefixRange(`${ACCOUNTS.costsProgramme}.P-`);
  const [projectBankFrom, projectBankTo] = prefixRange(`${ACCOUNTS.projectFunds}.`);
  const [expenseFrom, expenseTo] = prefixRange('5');
  return await sql<FlowRow[]>`
    with totals as (
      select day, account_code as code, sum(debits) as debits, sum(credits) as credits
        from account_day_totals
       where fund_id = ${fundId} and account_code >= ${accountsFrom} and account_code < ${accountsTo}
       group by 1, 2
    ),
    -- The period close's entries carry income and expenses into net assets: no money moved. They
    -- are in the day totals, so their postings (a few per closed month) are taken out again.
    closings as (
      select e.effective_date as day, p.account_code as code,
             coalesce(sum(p.amount) filter (where p.side = 'debit'), 0) as debits,
             coalesce(sum(p.amount) filter (where p.side = 'credit'), 0) as credits
        from closing_entries c
        join entries e on e.fund_id = c.fund_id and e.id = c.entry_id
        join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where c.fund_id = ${fundId} and p.account_code >= ${accountsFrom} and p.account_code < ${accountsTo}
       group by 1, 2
    ),
    daily as (
      select t.day, t.code, (t.credits - coalesce(k.credits, 0)) - (t.debits - coalesce(k.debits, 0)) as credit
        from totals t left join closings k on k.day = t.day and k.code = t.code
       -- Amounts are positive, so a day whose totals are all closing postings had no other line.
       where k.day is null or t.debits <> k.debits or t.credits <> k.credits
    ),
    payable as (
      select e.effective_date as day, p.account_code as code, p.side, e.reverses is not null as reversal,
             case when p.side = 'credit' then p.amount else -p.amount end as credit,
             exists (select 1 from postings c
                      where c.fund_id = p.fund_id and c.entry_seq = p.entry_seq
                        and c.account_code >= ${projectCostFrom} and c.account_code < ${projectCostTo}) as spent,
             exists (select 1 from postings b
                      where b.fund_id = p.fund_id and b.entry_seq = p.entry_seq
                        and b.account_code >= ${projectBankFrom} and b.account_code < ${projectBankTo})
             and not exists (select 1 from postings c
                              where c.fund_id = p.fund_id and c.entry_seq = p.entry_seq
                                and c.account_code >= ${expenseFrom} and c.account_code < ${expenseTo}) as banked
        from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
       where p.fund_id = ${fundId} and p.account_code >= ${payableFrom} and p.account_code < ${payableTo}
    ),
    classified as (
      select day,
             case when code < '5' then 'in' else 'out' end as figure,
             case when code >= '5' then coalesce(substring(code from '\.P-([0-9]+)$'), '')
                  when code like '4401%' then 'government'
                  when (code like '4101.%' or code like ${`${ACCOUNTS.duesMembership}.%`}) and code like '%.U-%'
                    then 'units'
                  when code like '4101%' then 'charity'
                  else 'other' end as key,
             case when code < '5' then credit else -credit end as amount
        from daily
      union all
      select day,
             case when spent then 'out' when (side = 'credit') <> reversal then 'in' else 'refund' end,
             case when not spent and (side = 'credit') <> reversal then 'self_raised'
                  else coalesce(substring(code from '\.P-([0-9]+)$'), '') end,
             case when not spent and (side = 'credit') <> reversal then credit else -credit end
        from payable
       where spent or banked
    )
    select case when grouping(month) = 1 then null else month end as month, figure, key,
           sum(amount)::numeric(18, 2)::text as amount
      from (select case when day < ${`${firstMonth}-01`}::date then ${EARLIER} else to_char(day, 'YYYY-MM') end
                     as month, figure, key, amount
              from classified) as by_month
     group by grouping sets ((month, figure, key), (figure, key))`;
}

/** The fund page's figures, or null when the fund does not exist. */
export async function fundPage(sql: Sql, fundId: string, now: Date, head?: LedgerHead): Promise<FundPage | null> {
  const [fund] = await sql<{ fiscalYear: number }[]>`
    select fiscal_year as "fiscalYear" from funds where id = ${fundId}`;
  if (fund === undefined) return null;
  const window = monthWindow(now);
  const [pool, projectFundRows, flowRows, statements, policy, quotaRows] = await Promise.all([
    poolBalances(sql, fundId),
    sql<{ balance: string }[]>`
      select coalesce(sum(debits_posted - credits_posted), 0)::numeric(18, 2)::text as balance
        from account_balances
       where fund_id = ${fundId} and account_code like ${`${ACCOUNTS.projectFunds}.%`}`,
    head === undefined ? flows(sql, fundId, window.first) : flowsAt(sql, fundId, window.first, head),
    unitStatements(sql, fundId, fund.fiscalYear),
    currentPolicy(sql, fundId),
    quotaUsedByCompound(sql, { fundId, at: now })
  ]);
  const reconciledThrough = await reconciledThroughOf(sql, fundId);
  const inRows = flowRows.filter((row) => row.figure === 'in');
  const outRows = flowRows.filter((row) => row.figure !== 'in');
  const byNumber = await projectsNamedIn(sql, fundId, outRows);
  const spending = spendingByCategory(outRows, byNumber);
  const projects = projectSpendingOf(outRows, byNumber);
  const labels = policy?.policy.categoryLabels ?? {};
  const categoryLabels: Record<string, CategoryLabelPair> = {};
  for (const [key, label] of Object.entries(labels)) categoryLabels[key] = { zh: label.labelZh, en: label.labelEn };
  const months = monthsAxis([flowRows], window);
  return {
    fiscalYear: fund.fiscalYear,
    quotaYear: quotaYearOf(now),
    pool,
    projectFunds: money(projectFundRows[0]?.balance ?? '0').toString(),
    moneyIn: monthTable(
      MONEY_SOURCES,
      inRows.map((row) => ({ month: row.month, key: row.key, amount: row.amount })),
      months
    ),
    moneyOut: monthTable(spending.categoryKeys, spending.rows, months),
    projects,
    refunded: Money.sum(projects.map((project) => money(project.refunded))).toString(),
    categoryLabels,
    ...contributorsOf(statements),
    quota: quotaOf(quotaRows, policy),
    reconciledThrough
  };
}

/**
 * The earliest day the fund's bank accounts are reconciled through (see lib/server/fund/bank/), or null
 * when it has no bank account or one of them is not reconciled yet: the page claims no more than
 * every account shows.
 */
async function reconciledThroughOf(sql: Sql, fundId: string): Promise<string | null> {
  const [row] = await sql<{ through: string | null }[]>`
    select case when count(*) > 0 and bool_and(reconciled_through is not null)
                then to_char(min(reconciled_through), 'YYYY-MM-DD') end as through
      from bank_accounts where fund_id = ${fundId}`;
  return row?.through ?? null;
}

/** A project the flows name, by its number. */
interface NamedProject {
  number: number;
  title: string;
  category: string;
}

/** The title and category of each project that spent or refunded money, by number. */
async function projectsNamedIn(sql: Sql, fundId: string, outRows: FlowRow[]): Promise<Map<number, NamedProject>> {
  const numbers = [...new Set(outRows.flatMap((row) => (row.key === '' ? [] : [Number(row.key)])))];
  const applications =
    numbers.length === 0
      ? []
      : await sql<NamedProject[]>`
          select number, title, category from applications
           where fund_id = ${fundId} and number = any(${numbers}::int[])`;
  return new Map(applications.map((application) => [application.number, application]));
}

/** Spending by category: the query's rows by project, added up per category with Money. */
function spendingByCategory(
  outRows: FlowRow[],
  byNumber: Map<number, NamedProject>
): { categoryKeys: string[]; rows: GroupedRow[] } {
  const categoryOf = (project: string): string =>
    project === '' ? '' : (byNumber.get(Number(project))?.category ?? '');
  const spent = outRows.filter((row) => row.figure === 'out');
  const categoryRows = new Map<string, Money>();
  for (const row of spent) {
    const key = `${row.month ?? ''}|${categoryOf(row.key)}`;
    categoryRows.set(key, (categoryRows.get(key) ?? Money.zero()).plus(money(row.amount)));
  }
  const categoryKeys = [...new Set(spent.map((row) => categoryOf(row.key)))].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)
  );
  const rows: GroupedRow[] = [...categoryRows.entries()].map(([key, amount]) => {
    const [month, category] = key.split('|') as [string, string];
    return { month: month === '' ? null : month, key: category, amount: amount.toString() };
  });
  return { categoryKeys, rows };
}

/** What each project (and the fund's own costs, number null) spent and refunded over the fund's life. */
function projectSpendingOf(outRows: FlowRow[], byNumber: Map<number, NamedProject>): ProjectSpending[] {
  const projectTotals = new Map<string, { spent: Money; refunded: Money }>();
  for (const row of outRows) {
    if (row.month !== null) continue;
    const entry = projectTotals.get(row.key) ?? { spent: Money.zero(), refunded: Money.zero() };
    if (row.figure === 'out') entry.spent = entry.spent.plus(money(row.amount));
    else entry.refunded = entry.refunded.plus(money(row.amount));
    projectTotals.set(row.key, entry);
  }
  return [...projectTotals.entries()]
    .map(([project, totals]) => {
      const application = project === '' ? undefined : byNumber.get(Number(project));
      return {
        number: project === '' ? null : Number(project),
        title: application?.title ?? null,
        category: application?.category ?? null,
        spent: totals.spent.toString(),
        refunded: totals.refunded.toString()
      };
    })
    .sort((a, b) => (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER));
}

/** The units' pledges and payments this fiscal year, and their totals. */
function contributorsOf(
  statements: Awaited<ReturnType<typeof unitStatements>>
): Pick<FundPage, 'contributors' | 'contributorTotals'> {
  return {
    contributors: statements.map((row) => ({
      name: row.name,
      pledged: row.pledged,
      paid: row.paid,
      outstanding: row.outstanding
    })),
    contributorTotals: {
      pledged: Money.sum(statements.map((row) => money(row.pledged ?? '0'))).toString(),
      paid: Money.sum(statements.map((row) => money(row.paid))).toString(),
      outstanding: Money.sum(statements.map((row) => money(row.outstanding))).toString()
    }
  };
}

/** Each compound's match used this quota year, with the policy's cap and what is left of it. */
function quotaOf(
  quotaRows: Awaited<ReturnType<typeof quotaUsedByCompound>>,
  policy: Awaited<ReturnType<typeof currentPolicy>>
): FundPage['quota'] {
  const cap = policy?.policy.match.capPerCompoundPerYear ?? null;
  return quotaRows.map((row) => ({
    ...row,
    cap: cap === null ? null : cap.toString(),
    remaining: policy === null ? null : (quotaLeft(policy.policy.match, money(row.used))?.toString() ?? null)
  }));
}
