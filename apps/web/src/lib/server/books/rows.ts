import { createHash } from 'node:crypto';
import {
  money,
  type Account,
  type AccountKind,
  type AccountState,
  type Entry,
  type EntryReferences,
  type HashFunction,
  type Hold,
  type HoldStatus,
  type Posting,
  type Restriction,
  type Side
} from '@gongjian/ledger';
import type { Transaction } from '../db/client';

/**
 * The rows of the books as postgres.js returns them, and their conversion to the ledger's types.
 * Amounts and bigints arrive as strings and become Money or numbers here, never floats; times are
 * formatted by PostgreSQL itself as the ledger's ISO-8601 text, so that a stored entry hashes to
 * exactly what it hashed to when it was decided.
 */

/** Node's native SHA-256, several times faster than the ledger's pure-JS default. */
export const sha256Native: HashFunction = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The ledger's fund id is funds.id as a decimal string. */
const FUND_ID_PATTERN = /^[1-9][0-9]{0,17}$/;

export function isFundId(fundId: string): boolean {
  return FUND_ID_PATTERN.test(fundId);
}

export type AccountRow = {
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  kind: AccountKind;
  normal_side: Side;
  restriction: Restriction | null;
  must_not_go_negative: boolean;
  available_must_not_go_negative: boolean;
  closed: boolean;
  debits_posted: string;
  credits_posted: string;
  held_total: string;
};

export function accountStateOfRow(row: AccountRow): AccountState {
  const account: Account = {
    code: row.code,
    name: { zh: row.name_zh, en: row.name_en },
    kind: row.kind,
    normalSide: row.normal_side,
    restriction: row.restriction,
    flags: {
      mustNotGoNegative: row.must_not_go_negative,
      availableMustNotGoNegative: row.available_must_not_go_negative,
      closed: row.closed
    },
    parent: row.parent_code
  };
  return {
    account,
    debitsPosted: money(row.debits_posted),
    creditsPosted: money(row.credits_posted),
    heldTotal: money(row.held_total)
  };
}

/** Selects accounts with their maintained totals; callers add the WHERE and the lock. */
export function accountColumns(transaction: Transaction) {
  return transaction`
    select a.code, a.parent_code, a.name_zh, a.name_en, a.kind, a.normal_side, a.restriction,
      a.must_not_go_negative, a.available_must_not_go_negative, a.closed,
      b.debits_posted::text as debits_posted, b.credits_posted::text as credits_posted, b.held_total::text as held_total
    from account_balances b
    join accounts a on a.fund_id = b.fund_id and a.code = b.account_code`;
}

export type HoldRow = {
  id: string;
  account_code: string;
  amount: string;
  amount_settled: string;
  amount_released: string;
  status: HoldStatus;
  created_at: string;
  expires_at: string | null;
  reference: string | null;
  memo: string;
  closed_at: string | null;
};

export function holdOfRow(row: HoldRow): Hold {
  return {
    id: row.id,
    account: row.account_code,
    amount: money(row.amount),
    amountSettled: money(row.amount_settled),
    amountReleased: money(row.amount_released),
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    reference: row.reference,
    memo: row.memo,
    closedAt: row.closed_at
  };
}

/** The ledger's time format (ISO-8601 UTC with milliseconds), produced by PostgreSQL. */
function isoOf(transaction: Transaction, column: string) {
  return transaction.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
}

export function holdColumns(transaction: Transaction) {
  return transaction`
    select h.id, h.account_code, h.amount::text as amount, h.amount_settled::text as amount_settled,
      h.amount_released::text as amount_released, h.status,
      ${isoOf(transaction, 'h.created_at')} as created_at, ${isoOf(transaction, 'h.expires_at')} as expires_at,
      h.reference, h.memo, ${isoOf(transaction, 'h.closed_at')} as closed_at
    from holds h`;
}

type PostingRow = { account: string; side: Side; amount: string; memo: string | null };

export type EntryRow = {
  fund_id: string;
  seq: string;
  id: string;
  date: string;
  recorded_at: string;
  memo: string;
  application_id: string | null;
  voucher_number: string | null;
  attachment_hashes: string[];
  idempotency_key: string | null;
  request_hash: string | null;
  reverses: string | null;
  settles_hold_id: string | null;
  settles_amount: string | null;
  prev_hash: string;
  hash: string;
  /** Null only when a tamperer removed every posting of the entry. */
  postings: PostingRow[] | null;
};

/** Selects entries with their postings in line order; callers add the WHERE. */
export function entryColumns(transaction: Transaction) {
  return transaction`
    select e.fund_id::text as fund_id, e.seq::text as seq, e.id::text as id,
      to_char(e.effective_date, 'YYYY-MM-DD') as date, ${isoOf(transaction, 'e.recorded_at')} as recorded_at,
      e.memo, e.application_id, e.voucher_number, e.attachment_hashes, e.idempotency_key, e.request_hash,
      e.reverses::text as reverses, e.settles_hold_id, e.settles_amount::text as settles_amount,
      e.prev_hash, e.hash,
      (select json_agg(json_build_object('account', p.account_code, 'side', p.side, 'amount', p.amount::text, 'memo', p.memo)
              order by p.line_no)
       from postings p where p.fund_id = e.fund_id and p.entry_seq = e.seq) as postings
    from entries e`;
}

export function entryOfRow(row: EntryRow): Entry {
  const references: { applicationId?: string; voucherNumber?: string; attachmentHashes?: readonly string[] } = {};
  if (row.application_id !== null) references.applicationId = row.application_id;
  if (row.voucher_number !== null) references.voucherNumber = row.voucher_number;
  if (row.attachment_hashes.length > 0) references.attachmentHashes = row.attachment_hashes;
  return {
    fundId: row.fund_id,
    seq: Number(row.seq),
    id: row.id,
    date: row.date,
    recordedAt: row.recorded_at,
    memo: row.memo,
    references: references satisfies EntryReferences,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    reverses: row.reverses,
    settles:
      row.settles_hold_id === null || row.settles_amount === null
        ? null
        : { holdId: row.settles_hold_id, amount: money(row.settles_amount) },
    // An entry always has postings (the balance trigger sees to it), but a row read while a
    // tamperer deleted them must still convert, so that verification can report it.
    postings: (row.postings ?? []).map(postingOfRow),
    previousHash: row.prev_hash,
    hash: row.hash
  };
}

function postingOfRow(row: PostingRow): Posting {
  const amount = money(row.amount);
  return row.memo === null
    ? { account: row.account, side: row.side, amount }
    : { account: row.account, side: row.side, amount, memo: row.memo };
}
