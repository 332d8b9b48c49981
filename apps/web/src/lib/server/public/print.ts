import {
  ACCOUNTS,
  GRANTED_STATES,
  GRANT_STATES,
  Money,
  amountInWords,
  isDate,
  isGrantState,
  money,
  refundsOf,
  chinaDateOf,
  type GrantState
} from '@gongjian/ledger';
import * as v from 'valibot';
import { qrDataUrl } from '../auth/totp';
import type { Sql } from '../db/client';
import { currentPolicy } from '../fund/fund-policy';
import { publicNotice, type PublicNotice } from '../grants/notices';
import { projectStatement } from '../projects/project-statement';
import { maskedHouseholdOf } from '../projects/self-raising';
import type { LedgerHead } from './site';

/*
 * The three printable public documents of a fund (阳光公示): the 公示 notice of an approval, the
 * fund's report for a period and a project's final account (决算). Each is a page a committee
 * prints on A4 and pins to the compound's notice board, so each carries its totals in figures and
 * in capitals (大写), a QR code to the online page that keeps the same figures up to date, and the
 * ledger head at printing time, which any resident can later type into the verify page.
 *
 * Nothing here names a person: an applicant is a compound and its committee, a vote is counted by
 * unit, a household is its door and a masked name (1-2-301 张*).
 */

/** An amount as the printed sheets show it: the figures (a decimal string) and the 大写 words. */
export interface PrintAmount {
  amount: string;
  words: string;
}

export function printAmount(amount: Money | string): PrintAmount {
  const value = typeof amount === 'string' ? money(amount) : amount;
  return { amount: value.toString(), words: amountInWords(value) };
}

/** What every printed sheet carries at its foot: where to read it online, and the books' head. */
export interface PrintStamp {
  /** The stable online page the QR code opens. */
  url: string;
  /** The QR code as an SVG data: URL, for an <img> (the CSP allows data: images). */
  qr: string;
  head: LedgerHead;
  /** The day the sheet was printed, in China (YYYY-MM-DD). */
  printedOn: string;
  /** The fund's verify page, where the printed head can be typed back. */
  verifyUrl: string;
}

/** The foot of a sheet whose online page is `path` under the fund's public site, on the site at `origin`. */
export function printStamp(input: {
  origin: string;
  slug: string;
  path: string;
  head: LedgerHead;
  now: Date;
}): PrintStamp {
  const base = `${input.origin}/f/${input.slug}`;
  const url = `${base}${input.path}`;
  return { url, qr: qrDataUrl(url), head: input.head, printedOn: chinaDateOf(input.now), verifyUrl: `${base}/verify` };
}

/**
 * What a printed 记账凭证 or household receipt carries so that its reader can check it against
 * the public books: the entry's public page (where the same hash is shown) as an address and as a
 * QR code, and the entry's hash from the books' chain.
 */
export interface EntryCheck {
  seq: number;
  /** The entry's public page, /f/<slug>/ledger/<seq>, on the configured origin. */
  url: string;
  /** The QR code of `url`, as an SVG data: URL (the same helper as every printed sheet's). */
  qr: string;
  /** The entry's hash in the chain, all 64 hex digits, as its public page shows it. */
  hash: string;
}

export function entryCheck(input: { origin: string; slug: string; seq: number; hash: string }): EntryCheck {
  const url = `${input.origin}/f/${input.slug}/ledger/${String(input.seq)}`;
  return { seq: input.seq, url, qr: qrDataUrl(url), hash: input.hash };
}

// ---------------------------------------------------------------------------------------------
// The notice of an approval.

/** The states in which a project's notice may be reprinted: a grant that stands; drafts, reviews and refusals are not public. */
const NOTICE_STATUSES = GRANTED_STATES;

export interface PrintNotice {
  notice: PublicNotice & { words: { budgetTotal: string; approvedAmount: string; selfRaised: string } };
  /** The day the application passed the office's pre-check (初审), or null when it has none. */
  precheckOn: string | null;
  /** The day the leading group decided. */
  decidedOn: string | null;
  /** The fund's and the households' shares of the budget, in per cent with one decimal (60.0). */
  shares: { match: string; selfRaised: string } | null;
  /** How many households the self-raised share is expected from. */
  householdsExpected: number;
  /** Where the fund office is, for objections in writing. */
  office: { community: string; street: string };
}

/** The books' days are China's days (as money-in.ts chinaDateOf reads them). */
const TIME_ZONE = 'Asia/Shanghai';

/** The notice of an approved (or later) project, for printing; null for any other application. */
export async function printNotice(
  sql: Sql,
  input: { fundId: string; number: number; today: string }
): Promise<PrintNotice | null> {
  const notice = await publicNotice(sql, { ...input, statuses: NOTICE_STATUSES });
  if (notice === null) return null;
  const [row] = await sql<
    {
      precheckOn: string | null;
      decidedOn: string | null;
      householdsExpected: number;
      community: string;
      street: string;
    }[]
  >`
    select (select to_char((t.at at time zone ${TIME_ZONE})::date, 'YYYY-MM-DD')
              from application_transitions t
             where t.application_id = a.id and t.event = 'precheck_pass' order by t.id desc limit 1) as "precheckOn",
           to_char((a.decided_at at time zone ${TIME_ZONE})::date, 'YYYY-MM-DD') as "decidedOn",
           coalesce(a.households_expected, 0) as "householdsExpected", f.community, f.street
      from applications a join funds f on f.id = a.fund_id
     where a.fund_id = ${input.fundId} and a.number = ${input.number}`;
  const budget = money(notice.budgetTotal);
  const shareOf = (part: string): string =>
    money(part).toDecimal().times(100).dividedBy(budget.toDecimal()).toDecimalPlaces(1).toFixed(1);
  return {
    notice: {
      ...notice,
      words: {
        budgetTotal: amountInWords(budget),
        approvedAmount: amountInWords(money(notice.approvedAmount)),
        selfRaised: amountInWords(money(notice.selfRaised))
      }
    },
    precheckOn: row?.precheckOn ?? null,
    decidedOn: row?.decidedOn ?? null,
    shares: budget.isPositive()
      ? { match: shareOf(notice.approvedAmount), selfRaised: shareOf(notice.selfRaised) }
      : null,
    householdsExpected: row?.householdsExpected ?? 0,
    office: { community: row?.community ?? '', street: row?.street ?? '' }
  };
}

// ---------------------------------------------------------------------------------------------
// The period report.

/** A real calendar day (the ledger's rule: not 2026-02-30) between 2000 and 2100, as a report's are. */
function isCalendarDay(text: string): boolean {
  return isDate(text) && text >= '2000-01-01' && text <= '2100-12-31';
}

const PeriodQuery = v.pipe(
  v.object({
    from: v.pipe(v.string(), v.trim(), v.check(isCalendarDay, 'from')),
    to: v.pipe(v.string(), v.trim(), v.check(isCalendarDay, 'to'))
  }),
  v.check((period) => period.from <= period.to, 'order')
);

export type PeriodCode = 'from_is_not_a_date' | 'to_is_not_a_date' | 'from_is_after_to';

export type PeriodResult =
  { ok: true; from: string; to: string } | { ok: false; code: PeriodCode; from: string; to: string };

/**
 * The period a report URL asks for: `?from=YYYY-MM-DD&to=YYYY-MM-DD`, each defaulting to the first
 * of January of this year and to today. What was typed is echoed back with the refusal.
 */
export function parsePeriod(params: URLSearchParams, today: string): PeriodResult {
  const from = (params.get('from') ?? '').slice(0, 20).trim() || `${today.slice(0, 4)}-01-01`;
  const to = (params.get('to') ?? '').slice(0, 20).trim() || today;
  const parsed = v.safeParse(PeriodQuery, { from, to });
  if (parsed.success) return { ok: true, from: parsed.output.from, to: parsed.output.to };
  const messages = parsed.issues.map((issue) => issue.message);
  const code: PeriodCode = messages.includes('from')
    ? 'from_is_not_a_date'
    : messages.includes('to')
      ? 'to_is_not_a_date'
      : 'from_is_after_to';
  return { ok: false, code, from, to };
}

/** Where money came from, in the order the report lists them. */
export const REPORT_SOURCES = ['units', 'government', 'charity', 'self_raised', 'other'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

export interface ReportProjectUse {
  /** The project's number, or null for the fund's own costs. */
  number: number | null;
  title: string;
  category: string;
  amount: PrintAmount;
}

export interface ReportBalances {
  /** The matching pool's bank money (1002.01). */
  pool: string;
  /** What approved projects still reserve on the pool. */
  reserved: string;
  available: string;
  /** The projects' bank sub-accounts (1002.02.*), compound reserves included. */
  projects: string;
  /** Any other asset (cash, the bank's main account). */
  other: string;
  /** All the fund's money: pool + projects + other. */
  total: PrintAmount;
  /** What the fund holds for others: households' self-raised money, compounds' reserves. */
  payables: string;
  /** The fund's own: total less payables. */
  netAssets: PrintAmount;
}

export interface PeriodReport {
  from: string;
  to: string;
  sources: { kind: ReportSource; amount: string }[];
  sourcesTotal: PrintAmount;
  uses: ReportProjectUse[];
  usesByCategory: { category: string; amount: string }[];
  /** The names the fund's current policy gives its categories, in both languages. */
  categoryLabels: Record<string, { zh: string; en: string }>;
  usesTotal: PrintAmount;
  /** Self-raised money handed back to households: it leaves the fund but is not spending. */
  refunds: PrintAmount;
  start: ReportBalances;
  end: ReportBalances;
  /** start + sources − uses − refunds = end, to the cent; the page shows the sum either way. */
  balanced: boolean;
}

function dayBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The flows of a period, one row per kind: every entry dated in the period that changes the fund's
 * money (its 1xxx accounts) is one source or one use, by the other accounts it touches — an
 * expense account (5xxx) makes it spending of its project, an income account (4xxx) a source of
 * the income's kind, a payable (2xxx) a household's payment in or a refund out, anything else
 * other money. Each counts with the change it made to the money, so the flows add up exactly to
 * the change of the balance, and a reversal, whose change is the opposite, nets its entry out (a
 * payable's reversal counts as the kind of entry it reverses). An entry that only moves money
 * between the fund's own accounts (a payout from the pool to a project) changes nothing and is left
 * out. One grouped query over the period's entries (entries_by_date) and their postings.
 */
async function flowsOf(sql: Sql, input: { fundId: string; from: string; to: string }) {
  return sql<{ flow: 'use' | 'source' | 'payable' | 'other'; key: string; change: string }[]>`
    with lines as (
      select e.seq, e.application_id, e.reverses is not null as reversal, p.account_code as code,
             case when p.side = 'debit' then p.amount else -p.amount end as change
        from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where e.fund_id = ${input.fundId} and e.effective_date between ${input.from}::date and ${input.to}::date
    ), per_entry as (
      select seq, application_id, reversal,
             coalesce(sum(change) filter (where code like '1%'), 0) as money,
             bool_or(code like '5%') as spent,
             min(code) filter (where code like '4%') as income,
             bool_or(code like '2%') as payable
        from lines group by seq, application_id, reversal
    ), classified as (
      select case when spent then 'use' when income is not null then 'source' when payable then 'payable'
                  else 'other' end as flow,
             case when spent then coalesce(application_id, '')
                  when income is not null then
                    case when income like ${`${ACCOUNTS.donationsRestricted}.U-%`} then 'units'
                         when income like ${`${ACCOUNTS.duesMembership}%.U-%`} then 'units'
                         when income like '4401%' then 'government'
                         when income like '4101%' then 'charity'
                         else 'other' end
                  when payable then case when (money > 0) <> reversal then 'self_raised' else 'refund' end
                  else '' end as key,
             money
        from per_entry where money <> 0
    )
    select flow, key, sum(money)::numeric(18, 2)::text as change from classified group by flow, key order by flow, key`;
}

/**
 * Each money or payable account's change in the period and after it, to roll today's balances
 * (account_balances) back to the period's end and start. One grouped query over the entries dated
 * from the period's start on (entries_by_date).
 */
async function changesOf(sql: Sql, input: { fundId: string; from: string; to: string }) {
  return sql<{ code: string; after: boolean; change: string }[]>`
    select p.account_code as code, e.effective_date > ${input.to}::date as after,
           sum(case when p.side = 'debit' then p.amount else -p.amount end)::text as change
      from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
     where e.fund_id = ${input.fundId} and e.effective_date >= ${input.from}::date
       and (p.account_code like '1%' or p.account_code like '2%')
     group by 1, 2`;
}

/**
 * What open reservations held on the pool at the end of each of the two days: a hold counts from
 * the day it was made until the day it was closed, less what was paid out of it by then (the
 * entries that settle it carry its project's number, so they are found by entries_by_application).
 */
async function reservedOn(sql: Sql, input: { fundId: string; days: [string, string] }): Promise<[Money, Money]> {
  const rows = await sql<{ day: string; reserved: string }[]>`
    select d.day::text as day,
           coalesce(sum(h.amount - coalesce((
             select sum(e.settles_amount) from entries e
              where e.fund_id = h.fund_id and e.application_id = substring(h.reference from '^application:(.+)$')
                and e.settles_hold_id = h.id and e.effective_date <= d.day), 0)
             - case when h.closed_at is null then h.amount_released else 0 end), 0)::numeric(18, 2)::text as reserved
      from unnest(${input.days}::date[]) as d(day)
      left join holds h on h.fund_id = ${input.fundId} and h.account_code = ${ACCOUNTS.pool}
       and (h.created_at at time zone ${TIME_ZONE})::date <= d.day
       and (h.closed_at is null or (h.closed_at at time zone ${TIME_ZONE})::date > d.day)
     group by d.day`;
  const of = (day: string) => money(rows.find((row) => row.day === day)?.reserved ?? '0');
  return [of(input.days[0]), of(input.days[1])];
}

function balancesOf(accounts: Map<string, Money>, reserved: Money): ReportBalances {
  let pool = Money.zero();
  let projects = Money.zero();
  let other = Money.zero();
  let payables = Money.zero();
  for (const [code, balance] of accounts) {
    if (code === ACCOUNTS.pool) pool = pool.plus(balance);
    else if (code.startsWith(`${ACCOUNTS.projectFunds}.`) || code === ACCOUNTS.projectFunds)
      projects = projects.plus(balance);
    else if (code.startsWith('1')) other = other.plus(balance);
    // A payable's balance is a credit: shown positive, as what the fund owes.
    else if (code.startsWith('2')) payables = payables.minus(balance);
  }
  const total = pool.plus(projects).plus(other);
  return {
    pool: pool.toString(),
    reserved: reserved.toString(),
    available: pool.minus(reserved).toString(),
    projects: projects.toString(),
    other: other.toString(),
    total: printAmount(total),
    payables: payables.toString(),
    netAssets: printAmount(total.minus(payables))
  };
}

/** The fund's report for the period from–to (both days included). */
export async function periodReport(
  sql: Sql,
  input: { fundId: string; from: string; to: string }
): Promise<PeriodReport> {
  const start = dayBefore(input.from);
  const [flows, changes, current, reserved, projects, policy] = await Promise.all([
    flowsOf(sql, input),
    changesOf(sql, input),
    sql<{ code: string; balance: string }[]>`
      select account_code as code, (debits_posted - credits_posted)::text as balance from account_balances
       where fund_id = ${input.fundId} and (account_code like '1%' or account_code like '2%')`,
    reservedOn(sql, { fundId: input.fundId, days: [start, input.to] }),
    sql<ReportProject[]>`
      select number::text as key, number, title, category from applications where fund_id = ${input.fundId}
       and status = any(${[...GRANT_STATES]}::text[])`,
    currentPolicy(sql, input.fundId)
  ]);
  const balances = balancesAtEnds(current, changes);
  const { sources, uses, refunds } = sourcesAndUsesOf(flows);
  const useRows = useRowsOf(uses, projects);
  const sourcesTotal = Money.sum([...sources.values()]);
  const usesTotal = Money.sum([...uses.values()]);
  const startView = balancesOf(balances.start, reserved[0]);
  const endView = balancesOf(balances.end, reserved[1]);
  const expectedEnd = money(startView.total.amount).plus(sourcesTotal).minus(usesTotal).minus(refunds);
  return {
    from: input.from,
    to: input.to,
    sources: REPORT_SOURCES.map((kind) => ({ kind, amount: (sources.get(kind) ?? Money.zero()).toString() })),
    sourcesTotal: printAmount(sourcesTotal),
    uses: useRows,
    usesByCategory: usesByCategoryOf(useRows),
    categoryLabels: Object.fromEntries(
      Object.entries(policy?.policy.categoryLabels ?? {}).map(([key, label]) => [
        key,
        { zh: label.labelZh, en: label.labelEn }
      ])
    ),
    usesTotal: printAmount(usesTotal),
    refunds: printAmount(refunds),
    start: startView,
    end: endView,
    balanced: expectedEnd.equals(money(endView.total.amount))
  };
}

/** A public project the period's uses may name, keyed by its number as text. */
interface ReportProject {
  key: string;
  number: number;
  title: string;
  category: string;
}

/**
 * The balances of the asset and payable accounts at the end of the period and at its start: today's
 * balances less what changed after the period, then less what changed within it.
 */
function balancesAtEnds(
  current: { code: string; balance: string }[],
  changes: Awaited<ReturnType<typeof changesOf>>
): { start: Map<string, Money>; end: Map<string, Money> } {
  const end = new Map<string, Money>();
  const start = new Map<string, Money>();
  for (const row of current) end.set(row.code, money(row.balance));
  for (const row of changes) {
    if (row.after) end.set(row.code, (end.get(row.code) ?? Money.zero()).minus(money(row.change)));
  }
  for (const [code, balance] of end) start.set(code, balance);
  for (const row of changes) {
    if (!row.after) start.set(row.code, (start.get(row.code) ?? Money.zero()).minus(money(row.change)));
  }
  return { start, end };
}

/** The period's flows sorted into sources by kind, uses by project ('' for the fund's own) and refunds. */
function sourcesAndUsesOf(flows: Awaited<ReturnType<typeof flowsOf>>): {
  sources: Map<ReportSource, Money>;
  uses: Map<string, Money>;
  refunds: Money;
} {
  const sources = new Map<ReportSource, Money>(REPORT_SOURCES.map((kind) => [kind, Money.zero()]));
  const addSource = (kind: ReportSource, change: Money) =>
    sources.set(kind, (sources.get(kind) ?? Money.zero()).plus(change));
  const uses = new Map<string, Money>();
  let refunds = Money.zero();
  for (const row of flows) {
    const change = money(row.change);
    if (row.flow === 'use') uses.set(row.key, (uses.get(row.key) ?? Money.zero()).minus(change));
    else if (row.flow === 'source')
      addSource(row.key === 'units' || row.key === 'government' || row.key === 'charity' ? row.key : 'other', change);
    else if (row.flow === 'payable' && row.key === 'refund') refunds = refunds.minus(change);
    else if (row.flow === 'payable') addSource('self_raised', change);
    // Other money that came in is a source; other money that left is a use of the fund's own.
    else if (change.isPositive()) addSource('other', change);
    else uses.set('', (uses.get('') ?? Money.zero()).minus(change));
  }
  return { sources, uses, refunds };
}

/** The uses that are not zero, by project number (the fund's own last). */
function useRowsOf(uses: Map<string, Money>, projects: ReportProject[]): ReportProjectUse[] {
  const projectOf = new Map(projects.map((row) => [row.key, row]));
  return [...uses.entries()]
    .filter(([, amount]) => !amount.isZero())
    .map(([key, amount]) => {
      const project = projectOf.get(key);
      return {
        number: project?.number ?? null,
        title: project?.title ?? '',
        category: project?.category ?? '',
        amount: printAmount(amount)
      };
    })
    .sort((a, b) => (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER));
}

function usesByCategoryOf(useRows: ReportProjectUse[]): PeriodReport['usesByCategory'] {
  const byCategory = new Map<string, Money>();
  for (const row of useRows) {
    byCategory.set(row.category, (byCategory.get(row.category) ?? Money.zero()).plus(money(row.amount.amount)));
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, amount]) => ({ category, amount: amount.toString() }));
}

// ---------------------------------------------------------------------------------------------
// The final account of a project.

export interface FinalAccount {
  number: number;
  title: string;
  compoundName: string;
  status: GrantState;
  /** Closed or cancelled: the account is final; otherwise it is an interim account up to `asOf`. */
  final: boolean;
  asOf: string;
  budget: { lines: { item: string; budget: string; actual: string; difference: string }[] };
  budgetTotal: PrintAmount;
  actualTotal: PrintAmount;
  match: { approved: PrintAmount; paid: PrintAmount; spent: PrintAmount; returned: PrintAmount; released: string };
  selfRaised: {
    target: string;
    received: PrintAmount;
    households: number;
    spent: PrintAmount;
    refunded: PrintAmount;
    kept: PrintAmount;
  };
  /** Each household's refund: its door and masked name, never the name itself. */
  refunds: { label: string; paid: string; refund: string }[];
  /** The project's bank money still held: in − out. */
  held: PrintAmount;
  acceptance: { checkedOn: string; cost: PrintAmount } | null;
  closing: { on: string; kind: 'closed' | 'cancelled'; surplusMode: 'refund' | 'keep' } | null;
}

/**
 * The final account (决算) of a closed project, or its interim account up to today; null when the
 * number names no public project. Built on projectStatement, of which only figures are printed:
 * its free text (comments, payees, notes, a cancellation's reason) stays with the office.
 */
export async function finalAccount(
  sql: Sql,
  input: { fundId: string; number: number; today: string }
): Promise<FinalAccount | null> {
  const statement = await projectStatement(sql, { fundId: input.fundId, number: input.number });
  if (statement === null || !isGrantState(statement.project.status)) return null;
  const { project, closing, acceptance } = statement;
  const households = await sql<HouseholdPaidRow[]>`
    select h.id::text as "householdId", h.building, h.unit_no as "unitNo", h.room, h.name, sum(p.amount)::text as paid
      from standing_self_raised_payments p join households h on h.id = p.household_id
     where p.application_id = ${project.id}
     group by h.id order by h.id`;
  const expenses = statement.uses.expenses;
  const matchSpentSoFar = Money.sum(expenses.map((row) => money(row.matchPart)));
  // At the close the fund's cost is trued up to the final match; the rest of the spending was the households'.
  const matchSpent = closing === null ? matchSpentSoFar : money(closing.matchFinal);
  const actual = money(statement.budget.actualTotal);
  const refunded = money(statement.uses.refunded);
  return {
    number: project.number,
    title: project.title,
    compoundName: project.compoundName,
    status: project.status as FinalAccount['status'],
    final: closing !== null,
    asOf: closing === null ? input.today : chinaDateOf(closing.closedAt),
    budget: {
      lines: statement.budget.lines.map((line) => ({
        item: line.item,
        budget: line.budget,
        actual: line.actual,
        difference: money(line.budget).minus(money(line.actual)).toString()
      }))
    },
    budgetTotal: printAmount(statement.budget.budgetTotal),
    actualTotal: printAmount(actual),
    match: {
      approved: printAmount(project.approvedAmount),
      paid: printAmount(statement.sources.matchPaid),
      spent: printAmount(matchSpent),
      returned: printAmount(statement.uses.matchReturned),
      released: closing === null ? '0.00' : money(closing.holdReleased).toString()
    },
    selfRaised: {
      target: money(project.selfRaiseTarget).toString(),
      received: printAmount(statement.sources.selfRaisedReceived),
      households: statement.sources.householdsPaid,
      spent: printAmount(actual.minus(matchSpent)),
      refunded: printAmount(refunded),
      kept: printAmount(statement.uses.kept)
    },
    refunds: householdRefundsOf(refunded, households),
    held: printAmount(statement.balance.funds),
    acceptance:
      acceptance === null
        ? null
        : { checkedOn: acceptance.checkedOn, cost: printAmount(acceptance.costFinal ?? statement.budget.actualTotal) },
    closing:
      closing === null
        ? null
        : { on: chinaDateOf(closing.closedAt), kind: closing.kind, surplusMode: closing.surplusMode }
  };
}

/** What one household paid towards a project, with its door and name (masked before it is shown). */
interface HouseholdPaidRow {
  householdId: string;
  building: string;
  unitNo: string;
  room: string;
  name: string;
  paid: string;
}

/**
 * Each household's refund. The close refunded the surplus in proportion to what each household paid
 * (refundsOf, as closing.ts planned it); the same division of the same figures gives each household's share.
 */
function householdRefundsOf(refunded: Money, households: HouseholdPaidRow[]): FinalAccount['refunds'] {
  if (!refunded.isPositive()) return [];
  const division = refundsOf(
    refunded,
    households.map((row) => ({
      householdId: row.householdId,
      label: maskedHouseholdOf(row),
      paid: money(row.paid)
    }))
  );
  if (!division.ok) return [];
  return division.value.map((row) => ({
    label: row.household.label,
    paid: row.household.paid.toString(),
    refund: row.refund.toString()
  }));
}
