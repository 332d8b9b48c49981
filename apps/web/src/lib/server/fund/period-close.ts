import {
  chinaDateOf,
  closingEntries,
  decideMonthClose,
  decideYearClose,
  monthEnd,
  monthOf,
  money,
  nextMonth,
  type Account,
  type AccountKind,
  type Money,
  type PeriodCloseCode,
  type Restriction,
  type Side
} from '@gongjian/ledger';
import { can, type Actor } from '../access/policy';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { recordEvent } from '../platform/audit';
import { refuse, runCommand, type Failure } from '../platform/command';
import { voucherNumberOf } from './vouchers';

/*
 * The period close (结账). The fund administrator closes the months of a fund's books in order,
 * and marks a year closed once its December is. Closing a month posts the closing entries (期末结转,
 * the ledger's closingEntries) dated the month's last day, records them, and records the close:
 * from then on PostgreSQL refuses any entry dated in it (GJ020), whoever writes. A close is never
 * undone; a correction goes into the open period.
 *
 * The close runs in one transaction that takes the fund's chain-head lock first, as the posting
 * path does, so a post and a close serialize: an entry dated in the month either lands before the
 * close (and is closed with it) or waits for it and is refused.
 */

export const CREATE_KEY_LENGTH_MAX = 100;

export type PeriodCloseRefusal =
  PeriodCloseCode | 'not_allowed' | 'form_was_already_used_for_something_else' | 'closing_entry_was_refused';

export type CloseMonthInput = {
  readonly actor: Actor;
  readonly fundId: string;
  readonly month: string;
  /** The form's key: a resend of the same form answers as the first one did. */
  readonly createKey: string;
  readonly now: Date;
  readonly ip?: string | null;
};

export type CloseMonthResult =
  { ok: true; replayed: boolean; month: string; periodEnd: string; entrySeqs: number[] } | Failure<PeriodCloseRefusal>;

export type CloseYearResult = { ok: true; replayed: boolean; year: number } | Failure<PeriodCloseRefusal>;

function actorUserIdOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/** Closes a month of the fund's books; see the module's comment. */
export async function closeMonth(sql: Sql, input: CloseMonthInput): Promise<CloseMonthResult> {
  if (!can(input.actor, 'books.close_period', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  return runCommand<CloseMonthResult, Failure<PeriodCloseRefusal>>(sql, (transaction) =>
    closeMonthIn(transaction, input)
  );
}

type CloseRow = { kind: 'month' | 'year'; periodEnd: string };

async function closeOfKey(transaction: Transaction, fundId: string, createKey: string): Promise<CloseRow | null> {
  const [row] = await transaction<CloseRow[]>`
    select kind, to_char(period_end, 'YYYY-MM-DD') as "periodEnd"
      from period_closes where fund_id = ${fundId} and create_key = ${createKey}`;
  return row ?? null;
}

async function closingSeqsOf(db: Sql | Transaction, fundId: string, periodEnd: string): Promise<number[]> {
  const rows = await db<{ seq: string }[]>`
    select e.seq::text as seq from closing_entries c
      join entries e on e.fund_id = c.fund_id and e.id = c.entry_id
     where c.fund_id = ${fundId} and c.period_end = ${periodEnd}
     order by e.seq`;
  return rows.map((row) => Number(row.seq));
}

/** The close of a month inside a transaction the caller holds (the demo seed). */
export async function closeMonthIn(transaction: Transaction, input: CloseMonthInput): Promise<CloseMonthResult> {
  const { fundId } = input;
  // The posting path's lock: no entry can be posted to the fund until this close commits.
  await transaction`select 1 from chain_heads where fund_id = ${fundId} for update`;
  const replay = await closeOfKey(transaction, fundId, input.createKey);
  if (replay !== null) {
    if (replay.kind !== 'month' || replay.periodEnd !== monthEnd(input.month)) {
      return { ok: false, code: 'form_was_already_used_for_something_else' };
    }
    const entrySeqs = await closingSeqsOf(transaction, fundId, replay.periodEnd);
    return { ok: true, replayed: true, month: input.month, periodEnd: replay.periodEnd, entrySeqs };
  }
  const closedThrough = await books.closedThroughIn(transaction, fundId);
  const decided = decideMonthClose(input.month, { closedThrough, today: chinaDateOf(input.now) });
  if (!decided.ok) return { ok: false, code: decided.code };
  const { month, periodEnd } = decided.value;
  const posted = await postClosingEntriesIn(transaction, { ...input, month, periodEnd });
  await transaction`
    insert into period_closes (fund_id, kind, period_end, closed_by, closed_at, create_key)
    values (${fundId}, 'month', ${periodEnd}, ${actorUserIdOf(input.actor)}, ${input.now}, ${input.createKey})`;
  for (const entry of posted) {
    await transaction`
      insert into closing_entries (fund_id, entry_id, period_end, kind)
      values (${fundId}, ${entry.id}, ${periodEnd}, ${entry.kind})`;
  }
  await recordEvent(transaction, {
    action: 'period.closed',
    outcome: 'ok',
    at: input.now,
    actorUserId: actorUserIdOf(input.actor),
    fundId,
    resourceType: 'period',
    resourceId: month,
    ip: input.ip ?? null,
    detail: { idempotencyKey: input.createKey, count: posted.length }
  });
  return { ok: true, replayed: false, month, periodEnd, entrySeqs: posted.map((entry) => entry.seq) };
}

type AccountRow = {
  code: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  kind: AccountKind;
  normalSide: Side;
  restriction: Restriction | null;
  debitMinusCredit: string | null;
};

/** The fund's income and expense accounts, each with its debits minus credits up to a day. */
async function balancesAsOf(
  transaction: Transaction,
  fundId: string,
  periodEnd: string
): Promise<{ accounts: Account[]; balances: Map<string, Money> }> {
  const rows = await transaction<AccountRow[]>`
    select a.code, a.parent_code as "parentCode", a.name_zh as "nameZh", a.name_en as "nameEn", a.kind,
           a.normal_side as "normalSide", a.restriction,
           (select sum(case when p.side = 'debit' then p.amount else -p.amount end)::text
              from postings p join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
             where p.fund_id = a.fund_id and p.account_code = a.code
               and e.effective_date <= ${periodEnd}) as "debitMinusCredit"
      from accounts a
     where a.fund_id = ${fundId} and a.kind in ('income', 'expense')
     order by a.code`;
  const accounts = rows.map((row): Account => ({
    code: row.code,
    name: { zh: row.nameZh, en: row.nameEn },
    kind: row.kind,
    normalSide: row.normalSide,
    restriction: row.restriction,
    flags: { mustNotGoNegative: false, availableMustNotGoNegative: false, closed: false },
    parent: row.parentCode
  }));
  const balances = new Map<string, Money>();
  for (const row of rows) if (row.debitMinusCredit !== null) balances.set(row.code, money(row.debitMinusCredit));
  return { accounts, balances };
}

/** Posts the month's closing entries, dated its last day, each as a numbered voucher. */
async function postClosingEntriesIn(
  transaction: Transaction,
  input: CloseMonthInput & { month: string; periodEnd: string }
): Promise<{ id: string; seq: number; kind: 'income' | 'expense' }[]> {
  const { accounts, balances } = await balancesAsOf(transaction, input.fundId, input.periodEnd);
  const planned = closingEntries({ accounts, balances, month: input.month });
  const [head] = await transaction<{ lastSeq: string }[]>`
    select last_seq::text as "lastSeq" from chain_heads where fund_id = ${input.fundId}`;
  if (head === undefined) throw new Error(`period close: fund ${input.fundId} has no chain head`);
  const posted: { id: string; seq: number; kind: 'income' | 'expense' }[] = [];
  for (const [index, entry] of planned.entries()) {
    const seq = Number(head.lastSeq) + index + 1;
    const outcome = await books.postIn(transaction, {
      fundId: input.fundId,
      recordedAt: input.now.toISOString(),
      command: {
        date: input.periodEnd,
        memo: entry.memo,
        postings: entry.postings,
        idempotencyKey: `period-close:${input.createKey}:${entry.kind}`,
        references: { voucherNumber: voucherNumberOf(seq) }
      }
    });
    if (!outcome.ok) refuse('closing_entry_was_refused');
    posted.push({ id: outcome.value.id, seq: outcome.value.seq, kind: entry.kind });
  }
  return posted;
}

export type CloseYearInput = Omit<CloseMonthInput, 'month'> & { readonly year: number };

/** Marks a year closed (年结) once its December is closed. */
export async function closeYear(sql: Sql, input: CloseYearInput): Promise<CloseYearResult> {
  if (!can(input.actor, 'books.close_period', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  return runCommand<CloseYearResult, Failure<PeriodCloseRefusal>>(sql, (transaction) =>
    closeYearIn(transaction, input)
  );
}

export async function closeYearIn(transaction: Transaction, input: CloseYearInput): Promise<CloseYearResult> {
  const { fundId } = input;
  await transaction`select 1 from chain_heads where fund_id = ${fundId} for update`;
  const replay = await closeOfKey(transaction, fundId, input.createKey);
  if (replay !== null) {
    return replay.kind === 'year' && replay.periodEnd === `${input.year}-12-31`
      ? { ok: true, replayed: true, year: input.year }
      : { ok: false, code: 'form_was_already_used_for_something_else' };
  }
  const [closedThrough, years] = await Promise.all([
    books.closedThroughIn(transaction, fundId),
    transaction<{ year: number }[]>`
      select extract(year from period_end)::int as year from period_closes where fund_id = ${fundId} and kind = 'year'`
  ]);
  const decided = decideYearClose(input.year, { closedThrough, yearsClosed: years.map((row) => row.year) });
  if (!decided.ok) return { ok: false, code: decided.code };
  await transaction`
    insert into period_closes (fund_id, kind, period_end, closed_by, closed_at, create_key)
    values (${fundId}, 'year', ${decided.value.periodEnd}, ${actorUserIdOf(input.actor)}, ${input.now},
            ${input.createKey})`;
  await recordEvent(transaction, {
    action: 'year.closed',
    outcome: 'ok',
    at: input.now,
    actorUserId: actorUserIdOf(input.actor),
    fundId,
    resourceType: 'period',
    resourceId: String(input.year),
    ip: input.ip ?? null,
    detail: { idempotencyKey: input.createKey, year: input.year }
  });
  return { ok: true, replayed: false, year: input.year };
}

/** How the page shows one month: closed (with its vouchers), closable now, waiting, or not ended. */
export type MonthState = 'closed' | 'closable' | 'waiting' | 'open';

export type MonthRow = {
  month: string;
  state: MonthState;
  /** The day in China the month was closed. */
  closedOn: string | null;
  closedBy: string | null;
  vouchers: { seq: number; memo: string }[];
};

export type PeriodsView = {
  closedThrough: string | null;
  months: MonthRow[];
  /** The months the close form offers: the next one, or before the first close every ended month. */
  closable: string[];
  /** The year the year-close form offers: December closed, the year not yet marked; or null. */
  yearClosable: number | null;
  yearsClosed: number[];
};

/** How many months the page lists at most, the newest first. */
export const MONTHS_SHOWN_MAX = 36;

type CloseListRow = { kind: 'month' | 'year'; periodEnd: string; closedAt: Date; closedBy: string | null };
type VoucherRow = { periodEnd: string; seq: string; memo: string };

async function periodRowsOf(db: Sql | Transaction, fundId: string) {
  return Promise.all([
    db<CloseListRow[]>`
      select c.kind, to_char(c.period_end, 'YYYY-MM-DD') as "periodEnd", c.closed_at as "closedAt",
             u.display_name as "closedBy"
        from period_closes c left join users u on u.id = c.closed_by
       where c.fund_id = ${fundId}`,
    db<VoucherRow[]>`
      select to_char(c.period_end, 'YYYY-MM-DD') as "periodEnd", e.seq::text as seq, e.memo
        from closing_entries c join entries e on e.fund_id = c.fund_id and e.id = c.entry_id
       where c.fund_id = ${fundId} order by e.seq`,
    db<{ first: string | null }[]>`
      select to_char(min(effective_date), 'YYYY-MM-DD') as first from entries where fund_id = ${fundId}`
  ]);
}

/** The months of the fund's books with their state, for the periods page. */
export async function periodsView(db: Sql | Transaction, fundId: string, now: Date): Promise<PeriodsView> {
  const [closes, vouchers, firstRows] = await periodRowsOf(db, fundId);
  const today = chinaDateOf(now);
  const monthCloses = closes.filter((row) => row.kind === 'month');
  const closedThrough = monthCloses.reduce<string | null>(
    (latest, row) => (latest === null || row.periodEnd > latest ? row.periodEnd : latest),
    null
  );
  const yearsClosed = closes.filter((row) => row.kind === 'year').map((row) => Number(row.periodEnd.slice(0, 4)));
  const thisMonth = monthOf(today);
  const first = firstRows[0]?.first ?? null;
  let start = first === null ? thisMonth : monthOf(first);
  if (closedThrough !== null && monthOf(closedThrough) < start) start = monthOf(closedThrough);
  const all: string[] = [];
  for (let month = start; month <= thisMonth; month = nextMonth(month)) all.push(month);
  const shown = all.slice(-MONTHS_SHOWN_MAX).reverse();
  const closable = all.filter((month) => decideMonthClose(month, { closedThrough, today }).ok);
  const closeOf = new Map(monthCloses.map((row) => [row.periodEnd, row]));
  const months = shown.map((month): MonthRow => {
    const periodEnd = monthEnd(month);
    const close = closeOf.get(periodEnd);
    const closed = closedThrough !== null && periodEnd <= closedThrough;
    const state: MonthState = closed
      ? 'closed'
      : closable.includes(month)
        ? 'closable'
        : periodEnd < today
          ? 'waiting'
          : 'open';
    return {
      month,
      state,
      closedOn: close === undefined ? null : chinaDateOf(close.closedAt),
      closedBy: close?.closedBy ?? null,
      vouchers: vouchers
        .filter((row) => row.periodEnd === periodEnd)
        .map((row) => ({ seq: Number(row.seq), memo: row.memo }))
    };
  });
  const december =
    closedThrough === null ? null : Number(closedThrough.slice(0, 4)) - (closedThrough.endsWith('-12-31') ? 0 : 1);
  // A year before the books' first entry has nothing to close, although a first close covers it.
  const firstYear = first === null ? null : Number(first.slice(0, 4));
  const yearClosable =
    december !== null &&
    firstYear !== null &&
    december >= firstYear &&
    decideYearClose(december, { closedThrough, yearsClosed }).ok
      ? december
      : null;
  return { closedThrough, months, closable, yearClosable, yearsClosed };
}
