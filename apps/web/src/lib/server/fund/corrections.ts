import { Money, checkOpenPeriod, chinaDateOf, money } from '@gongjian/ledger';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import { recordEvent } from '../platform/audit';
import { refuse, runCommand } from '../platform/command';
import { lockPool } from '../grants/review';
import { parseFundPolicy } from './fund-policy';
import { voucherNumberOf } from './vouchers';

/**
 * Corrections (冲销): an entry is never changed; the fund administrator undoes a wrong one with a
 * reversing entry that names it (entries.reverses) and says why, and then records the right entry
 * where it belongs. Up to the policy's four-eyes threshold (the one payouts use,
 * `secondApproverAbove`) the reversal posts at once; above it the correction waits until a second
 * person (a fund administrator or a leader, never the one who asked) confirms or declines it.
 *
 * The reversal is dated today in China unless the form says otherwise; it is never dated before
 * the original, nor in a closed period: an original of a closed period is reversed in the open
 * one, and the reversal's memo names the original's voucher (冲销 记字第12号：<reason>).
 *
 * The domain follows the books: every figure counted from a domain row (a household's payment, a
 * payout, an expense) leaves out the rows whose entry is reversed, through the one view
 * `reversed_entries` (sql/016_corrections.sql).
 *
 * Locks are taken in the payouts' order: the pool's balance row, the correction row, then the
 * chain head and the accounts (in the posting path).
 */

export const REASON_LENGTH_MAX = 150;

export type CorrectionStatus = 'waiting' | 'done' | 'cancelled';

export type CorrectionCode =
  | 'not_allowed'
  | 'entry_not_found'
  | 'reason_is_required'
  | 'reason_must_be_short'
  | 'date_must_be_valid'
  | 'date_must_not_be_in_the_future'
  | 'date_must_not_be_before_the_original'
  | 'entry_date_must_be_in_open_period'
  | 'reversal_must_not_be_reversed'
  | 'entry_already_reversed'
  | 'entry_is_being_corrected'
  | 'form_was_already_used_for_something_else'
  | 'correction_not_found'
  | 'correction_is_not_waiting'
  | 'confirmer_must_differ'
  | 'project_is_closed'
  | 'reversal_would_overdraw_an_account'
  | 'reversal_was_refused_by_the_books';

export type CorrectionFailure = { ok: false; code: CorrectionCode };

export type CorrectionOutcome = {
  ok: true;
  correctionId: string;
  status: CorrectionStatus;
  entrySeq: number;
  reversalSeq: number | null;
  replayed: boolean;
};

export type CorrectionResult = CorrectionOutcome | CorrectionFailure;

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

export interface CorrectionRequest {
  /** The seq (voucher number) of the entry to reverse. */
  seq: number;
  reason: string;
  /** YYYY-MM-DD, or '' for today in China. */
  date: string;
  /** The form's key: the same form sent twice asks for one correction. */
  key: string;
}

const userIdOf = (actor: Actor): string | null => (actor.kind === 'user' ? actor.userId : null);

/** The entry a correction reverses, as the checks need it. */
interface Original {
  id: string;
  seq: number;
  date: string;
  voucherNumber: string;
  reverses: string | null;
  reversedBy: number | null;
  projectClosed: boolean;
  amount: Money;
}

async function originalIn(db: Sql | Transaction, fundId: string, seq: number): Promise<Original | null> {
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  const [row] = await db<
    {
      id: string;
      date: string;
      voucherNumber: string | null;
      reverses: string | null;
      reversedBy: string | null;
      projectClosed: boolean;
      amount: string;
    }[]
  >`
    select e.id::text as id, to_char(e.effective_date, 'YYYY-MM-DD') as date, e.voucher_number as "voucherNumber",
           e.reverses::text as reverses,
           (select r.reversal_seq::text from reversed_entries r where r.fund_id = e.fund_id and r.seq = e.seq)
             as "reversedBy",
           exists (select 1 from applications a
                    where a.fund_id = e.fund_id and a.number::text = e.application_id
                      and a.status in ('closed', 'cancelled')) as "projectClosed",
           (select coalesce(sum(p.amount), 0)::text from postings p
             where p.fund_id = e.fund_id and p.entry_seq = e.seq and p.side = 'debit') as amount
      from entries e where e.fund_id = ${fundId} and e.seq = ${seq}`;
  if (row === undefined) return null;
  return {
    id: row.id,
    seq,
    date: row.date,
    voucherNumber: row.voucherNumber ?? voucherNumberOf(seq),
    reverses: row.reverses,
    reversedBy: row.reversedBy === null ? null : Number(row.reversedBy),
    projectClosed: row.projectClosed,
    amount: money(row.amount)
  };
}

/** Why the entry cannot be reversed now, or null when it can. */
function refusalOfOriginal(original: Original | null): CorrectionCode | null {
  if (original === null) return 'entry_not_found';
  if (original.reverses !== null) return 'reversal_must_not_be_reversed';
  if (original.reversedBy !== null) return 'entry_already_reversed';
  if (original.projectClosed) return 'project_is_closed';
  return null;
}

/** Why a reason cannot be used, or null. */
export function refusalOfReason(reason: string): CorrectionCode | null {
  if (reason.trim() === '') return 'reason_is_required';
  if (reason.trim().length > REASON_LENGTH_MAX) return 'reason_must_be_short';
  return null;
}

/**
 * The reversal's day: as asked (today in China by default), never after today, never before the
 * original, and in the open period (`closedThroughIn`, the ledger's `checkOpenPeriod`).
 */
async function reversalDateIn(
  transaction: Transaction,
  input: { fundId: string; now: Date; date: string; original: Original }
): Promise<string> {
  const today = chinaDateOf(input.now);
  const date = input.date === '' ? today : input.date;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    refuse<CorrectionCode>('date_must_be_valid');
  }
  if (new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) refuse<CorrectionCode>('date_must_be_valid');
  if (date > today) refuse<CorrectionCode>('date_must_not_be_in_the_future');
  if (date < input.original.date) refuse<CorrectionCode>('date_must_not_be_before_the_original');
  const open = checkOpenPeriod(date, await books.closedThroughIn(transaction, input.fundId));
  if (!open.ok) refuse<CorrectionCode>('entry_date_must_be_in_open_period');
  return date;
}

/** The fund's four-eyes threshold: its newest policy's `secondApproverAbove`, as payouts use it. */
export async function fourEyesAboveIn(db: Sql | Transaction, fundId: string): Promise<Money> {
  const [row] = await db<{ policy: unknown }[]>`
    select policy from fund_policies where fund_id = ${fundId} order by version desc limit 1`;
  if (row === undefined) return Money.zero();
  const parsed = parseFundPolicy(row.policy);
  if (!parsed.ok) throw new Error(`corrections: the fund's policy does not parse (${parsed.code})`);
  return parsed.value.secondApproverAbove;
}

/**
 * Posts the reversal as the next voucher. The chain head is locked first (the posting path's own
 * order), so that the voucher number the reversal carries is its seq; a reversal already posted
 * under this correction's key keeps its number (a replay).
 */
async function postReversalIn(
  transaction: Transaction,
  input: { fundId: string; original: Original; reason: string; date: string; key: string; now: Date }
): Promise<number> {
  const key = `correction:${input.key}`;
  const [head] = await transaction<{ last_seq: string; existing_seq: string | null }[]>`
    select h.last_seq::text as last_seq,
           (select e.seq::text from entries e where e.fund_id = h.fund_id and e.idempotency_key = ${key}) as existing_seq
      from chain_heads h where h.fund_id = ${input.fundId} for update`;
  if (head === undefined) throw new Error(`fund ${input.fundId} has no chain head`);
  const seq = head.existing_seq === null ? Number(head.last_seq) + 1 : Number(head.existing_seq);
  const reversed = await books.reverseIn(transaction, {
    fundId: input.fundId,
    command: {
      entryId: input.original.id,
      date: input.date,
      memo: `冲销 ${input.original.voucherNumber}：${input.reason.trim()}`.slice(0, 200),
      idempotencyKey: key,
      voucherNumber: voucherNumberOf(seq)
    },
    recordedAt: input.now.toISOString()
  });
  if (!reversed.ok) {
    if (reversed.code === 'entry_already_reversed' || reversed.code === 'reversal_must_not_be_reversed') {
      refuse<CorrectionCode>(reversed.code);
    }
    const overdraws =
      reversed.code === 'balance_must_not_go_negative' || reversed.code === 'insufficient_available_balance';
    refuse<CorrectionCode>(overdraws ? 'reversal_would_overdraw_an_account' : 'reversal_was_refused_by_the_books');
  }
  if (reversed.value.seq !== seq)
    throw new Error(`corrections: expected entry ${seq}, the books wrote ${reversed.value.seq}`);
  return seq;
}

interface CorrectionRow {
  id: string;
  entrySeq: string;
  reason: string;
  reversalDate: string;
  status: CorrectionStatus;
  requestedBy: string;
  decidedBy: string | null;
  reversalSeq: string | null;
  createKey: string;
}

const CORRECTION_COLUMNS = (db: Sql | Transaction) => db`
  id::text as id, entry_seq::text as "entrySeq", reason, to_char(reversal_date, 'YYYY-MM-DD') as "reversalDate",
  status, requested_by::text as "requestedBy", decided_by::text as "decidedBy", reversal_seq::text as "reversalSeq",
  create_key as "createKey"`;

function outcomeOf(row: CorrectionRow, replayed: boolean): CorrectionOutcome {
  return {
    ok: true,
    correctionId: row.id,
    status: row.status,
    entrySeq: Number(row.entrySeq),
    reversalSeq: row.reversalSeq === null ? null : Number(row.reversalSeq),
    replayed
  };
}

// ---------------------------------------------------------------------------------------------
// Asking for a correction

/** Asks to reverse an entry: reversed at once up to the four-eyes threshold, or waiting above it. */
export async function requestCorrection(sql: Sql, input: Command & CorrectionRequest): Promise<CorrectionResult> {
  const requesterId = userIdOf(input.actor);
  if (requesterId === null || !can(input.actor, 'books.correct', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  const reason = refusalOfReason(input.reason);
  if (reason !== null) return { ok: false, code: reason };
  return runCommand<CorrectionResult, CorrectionFailure>(sql, (transaction) =>
    requestCorrectionIn(transaction, { ...input, requesterId })
  );
}

/** The request inside a transaction the caller holds (the demo seed too). */
export async function requestCorrectionIn(
  transaction: Transaction,
  input: Omit<Command, 'actor'> & CorrectionRequest & { requesterId: string }
): Promise<CorrectionResult> {
  await lockPool(transaction, input.fundId);
  const [used] = await transaction<CorrectionRow[]>`
    select ${CORRECTION_COLUMNS(transaction)} from corrections
     where fund_id = ${input.fundId} and create_key = ${input.key}`;
  if (used !== undefined) {
    if (Number(used.entrySeq) !== input.seq) return { ok: false, code: 'form_was_already_used_for_something_else' };
    return outcomeOf(used, true);
  }
  const original = await originalIn(transaction, input.fundId, input.seq);
  const refused = refusalOfOriginal(original);
  if (refused !== null || original === null) return { ok: false, code: refused ?? 'entry_not_found' };
  const [waiting] = await transaction`
    select 1 from corrections where fund_id = ${input.fundId} and entry_seq = ${input.seq} and status = 'waiting'`;
  if (waiting !== undefined) return { ok: false, code: 'entry_is_being_corrected' };
  const date = await reversalDateIn(transaction, { ...input, original });
  const needsSecond = original.amount.greaterThan(await fourEyesAboveIn(transaction, input.fundId));
  const reversalSeq = needsSecond
    ? null
    : await postReversalIn(transaction, { ...input, original, date, reason: input.reason });
  const [row] = await transaction<CorrectionRow[]>`
    insert into corrections (fund_id, entry_seq, reason, reversal_date, status, requested_by, requested_at,
                             reversal_seq, create_key)
    values (${input.fundId}, ${input.seq}, ${input.reason.trim()}, ${date}, ${needsSecond ? 'waiting' : 'done'},
            ${input.requesterId}, ${input.now}, ${reversalSeq}, ${input.key})
    returning ${CORRECTION_COLUMNS(transaction)}`;
  if (row === undefined) throw new Error('corrections: the insert returned no row');
  await correctionEvent(transaction, input, {
    action: needsSecond ? 'correction.requested' : 'correction.done',
    actorUserId: input.requesterId,
    row,
    amount: original.amount
  });
  if (needsSecond) await notifyConfirmers(transaction, { ...input, except: input.requesterId });
  return outcomeOf(row, false);
}

/** The fund administrators and the leadership hear that a correction waits for a second person. */
async function notifyConfirmers(
  transaction: Transaction,
  input: { fundId: string; now: Date; except: string }
): Promise<void> {
  await transaction`
    insert into notifications (fund_id, user_id, at, kind)
    select distinct ${input.fundId}::bigint, m.user_id, ${input.now}::timestamptz, 'correction.waiting'
      from memberships m join users u on u.id = m.user_id
     where m.fund_id = ${input.fundId} and u.status = 'active' and m.role in ('fund_admin', 'leader')
       and m.user_id <> ${input.except}`;
}

async function correctionEvent(
  transaction: Transaction,
  input: Pick<Command, 'fundId' | 'now' | 'ip'>,
  event: {
    action: 'correction.requested' | 'correction.done' | 'correction.declined';
    actorUserId: string;
    row: CorrectionRow;
    amount?: Money;
  }
): Promise<void> {
  await recordEvent(transaction, {
    action: event.action,
    outcome: 'ok',
    at: input.now,
    actorUserId: event.actorUserId,
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'correction',
    resourceId: event.row.id,
    detail: {
      entrySeq: Number(event.row.entrySeq),
      ...(event.amount === undefined ? {} : { amount: event.amount.toString() })
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The second person

export type CorrectionDecision = 'confirm' | 'decline';

/**
 * The second person's answer to a waiting correction: never the requester (also the database's
 * correction_has_four_eyes check). Confirming checks the entry and the day again, since the books
 * may have moved since the request. The same answer sent twice is answered as the first.
 */
export async function decideCorrection(
  sql: Sql,
  input: Command & { correctionId: string; decision: CorrectionDecision }
): Promise<CorrectionResult> {
  const deciderId = userIdOf(input.actor);
  if (deciderId === null || !can(input.actor, 'books.correct.confirm', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  if (!/^[1-9][0-9]{0,17}$/.test(input.correctionId)) return { ok: false, code: 'correction_not_found' };
  return runCommand<CorrectionResult, CorrectionFailure>(sql, (transaction) =>
    decideCorrectionIn(transaction, { ...input, deciderId })
  );
}

export async function decideCorrectionIn(
  transaction: Transaction,
  input: Omit<Command, 'actor'> & { correctionId: string; decision: CorrectionDecision; deciderId: string }
): Promise<CorrectionResult> {
  await lockPool(transaction, input.fundId);
  const [row] = await transaction<CorrectionRow[]>`
    select ${CORRECTION_COLUMNS(transaction)} from corrections
     where fund_id = ${input.fundId} and id = ${input.correctionId} for update`;
  if (row === undefined) return { ok: false, code: 'correction_not_found' };
  const answered = input.decision === 'confirm' ? 'done' : 'cancelled';
  if (row.status === answered && row.decidedBy === input.deciderId) return outcomeOf(row, true);
  if (row.status !== 'waiting') return { ok: false, code: 'correction_is_not_waiting' };
  if (row.requestedBy === input.deciderId) return { ok: false, code: 'confirmer_must_differ' };
  if (input.decision === 'decline') {
    const [declined] = await transaction<CorrectionRow[]>`
      update corrections set status = 'cancelled', decided_by = ${input.deciderId}, decided_at = ${input.now}
       where id = ${row.id} returning ${CORRECTION_COLUMNS(transaction)}`;
    if (declined === undefined) throw new Error('corrections: the update returned no row');
    await correctionEvent(transaction, input, { action: 'correction.declined', actorUserId: input.deciderId, row });
    return outcomeOf(declined, false);
  }
  const original = await originalIn(transaction, input.fundId, Number(row.entrySeq));
  const refused = refusalOfOriginal(original);
  if (refused !== null || original === null) return { ok: false, code: refused ?? 'entry_not_found' };
  const date = await reversalDateIn(transaction, { ...input, date: row.reversalDate, original });
  const reversalSeq = await postReversalIn(transaction, {
    ...input,
    original,
    date,
    reason: row.reason,
    key: row.createKey
  });
  const [done] = await transaction<CorrectionRow[]>`
    update corrections set status = 'done', decided_by = ${input.deciderId}, decided_at = ${input.now},
                           reversal_seq = ${reversalSeq}
     where id = ${row.id} returning ${CORRECTION_COLUMNS(transaction)}`;
  if (done === undefined) throw new Error('corrections: the update returned no row');
  await correctionEvent(transaction, input, {
    action: 'correction.done',
    actorUserId: input.deciderId,
    row: done,
    amount: original.amount
  });
  return outcomeOf(done, false);
}

// ---------------------------------------------------------------------------------------------
// Reads: the corrections page and the voucher page

export interface CorrectionView {
  id: string;
  entrySeq: number;
  entryMemo: string;
  entryDate: string;
  amount: string;
  reason: string;
  reversalDate: string;
  status: CorrectionStatus;
  requestedById: string;
  requestedByName: string;
  requestedAt: Date;
  decidedByName: string | null;
  decidedAt: Date | null;
  reversalSeq: number | null;
}

export const CORRECTIONS_HISTORY_MAX = 50;

/** The corrections waiting for a second person, and the latest ones answered. */
export async function correctionsOverview(
  sql: Sql,
  fundId: string
): Promise<{ waiting: CorrectionView[]; history: CorrectionView[]; fourEyesAbove: string }> {
  const rows = await sql<CorrectionView[]>`
    select c.id::text as id, c.entry_seq::int as "entrySeq", e.memo as "entryMemo",
           to_char(e.effective_date, 'YYYY-MM-DD') as "entryDate",
           (select sum(p.amount)::text from postings p
             where p.fund_id = e.fund_id and p.entry_seq = e.seq and p.side = 'debit') as amount,
           c.reason, to_char(c.reversal_date, 'YYYY-MM-DD') as "reversalDate", c.status,
           c.requested_by::text as "requestedById", r.display_name as "requestedByName", c.requested_at as "requestedAt",
           d.display_name as "decidedByName", c.decided_at as "decidedAt", c.reversal_seq::int as "reversalSeq"
      from corrections c
      join entries e on e.fund_id = c.fund_id and e.seq = c.entry_seq
      join users r on r.id = c.requested_by
      left join users d on d.id = c.decided_by
     where c.fund_id = ${fundId}
       and (c.status = 'waiting'
            or c.id in (select id from corrections where fund_id = ${fundId} and status <> 'waiting'
                         order by id desc limit ${CORRECTIONS_HISTORY_MAX}))
     order by c.id desc`;
  return {
    waiting: rows.filter((row) => row.status === 'waiting'),
    history: rows.filter((row) => row.status !== 'waiting'),
    fourEyesAbove: (await fourEyesAboveIn(sql, fundId)).toString()
  };
}

/** Where the corrected entry is recorded again: the page that records entries of its kind. */
export type FollowUp =
  { kind: 'raise' | 'payouts' | 'expenses'; projectNumber: number } | { kind: 'money' } | { kind: 'none' };

/** The page on which the right entry is recorded after this one is reversed. */
export async function followUpOf(db: Sql | Transaction, fundId: string, seq: number): Promise<FollowUp> {
  const [row] = await db<{ kind: string | null; number: number | null; income: boolean }[]>`
    select coalesce(
             (select 'raise' from self_raised_payments s where s.fund_id = e.fund_id and s.entry_seq = e.seq),
             (select 'payouts' from payouts o where o.fund_id = e.fund_id and o.entry_seq = e.seq),
             (select 'expenses' from expenses x where x.fund_id = e.fund_id and x.entry_seq = e.seq)) as kind,
           (select a.number from applications a where a.fund_id = e.fund_id and a.number::text = e.application_id)
             as number,
           exists (select 1 from postings i where i.fund_id = e.fund_id and i.entry_seq = e.seq
                    and i.side = 'credit' and i.account_code like '4%') as income
      from entries e where e.fund_id = ${fundId} and e.seq = ${seq}`;
  if (row === undefined) return { kind: 'none' };
  if ((row.kind === 'raise' || row.kind === 'payouts' || row.kind === 'expenses') && row.number !== null) {
    return { kind: row.kind, projectNumber: row.number };
  }
  return row.income ? { kind: 'money' } : { kind: 'none' };
}

/** What the voucher page needs to offer, or explain, a correction of its entry. */
export interface EntryCorrection {
  /** The entry is itself a reversal: it cannot be reversed. */
  isReversal: boolean;
  /** The seq of the entry that reverses this one, if any. */
  reversedBy: number | null;
  /** A correction of this entry that waits for a second person. */
  waitingId: string | null;
  /** The reason given for the reversal of (or by) this entry, when a correction recorded one. */
  reason: string | null;
  /** The entry's amount is above the four-eyes threshold: a second person must confirm. */
  needsSecond: boolean;
  fourEyesAbove: string;
  today: string;
  followUp: FollowUp;
}

export async function entryCorrectionOf(
  sql: Sql,
  input: { fundId: string; seq: number; now: Date }
): Promise<EntryCorrection | null> {
  const original = await originalIn(sql, input.fundId, input.seq);
  if (original === null) return null;
  const fourEyesAbove = await fourEyesAboveIn(sql, input.fundId);
  const [row] = await sql<{ waitingId: string | null; reason: string | null }[]>`
    select (select c.id::text from corrections c
             where c.fund_id = ${input.fundId} and c.entry_seq = ${input.seq} and c.status = 'waiting') as "waitingId",
           (select c.reason from corrections c
             where c.fund_id = ${input.fundId} and c.status = 'done'
               and (c.entry_seq = ${input.seq} or c.reversal_seq = ${input.seq})) as reason`;
  return {
    isReversal: original.reverses !== null,
    reversedBy: original.reversedBy,
    waitingId: row?.waitingId ?? null,
    reason: row?.reason ?? null,
    needsSecond: original.amount.greaterThan(fourEyesAbove),
    fourEyesAbove: fourEyesAbove.toString(),
    today: chinaDateOf(input.now),
    followUp: await followUpOf(sql, input.fundId, input.seq)
  };
}
