import {
  ACCOUNTS,
  Money,
  checkBookDate,
  chinaDateOf,
  money,
  parseAmountInput,
  subAccountCode,
  type AmountInputCode,
  type BookDateCode,
  type PostCode,
  type PostCommand
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { refuse, runCommand, type Failure } from '../platform/command';
import { storeAttachmentIn, type Upload } from '../platform/attachments';
import * as books from '../books';
import type { Sql, Transaction } from '../db/client';
import { can, type Actor } from '../access/policy';
import { voucherNumberOf } from './vouchers';

/**
 * Money coming into a fund: unit pledges, and payments from units, government support, charity
 * donations and interest. A payment is one balanced ledger entry, posted through the books'
 * posting path in the same transaction as its attachment and its audit event, and numbered as
 * a voucher (记字第N号). A pledge is a promise, not money, so it is a row of its own and never
 * touches the books.
 */

export const MONEY_SOURCES = ['unit', 'government', 'donation', 'interest'] as const;
export type MoneySource = (typeof MONEY_SOURCES)[number];

export const PAYMENT_METHODS = ['bank', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const MEMO_LENGTH_MAX = 200;
export const PAYER_LENGTH_MAX = 60;

export type AmountCode = AmountInputCode;

export type DateCode = BookDateCode;

type Denied = { ok: false; code: 'not_allowed' };

/**
 * Reads an amount of money received or paid, as a person typed it: the ledger's one rule for typed
 * amounts (parseAmountInput: "1,000.00", "１０００", "¥80" and "80元" all read), above zero.
 */
export function parseAmount(text: string): { ok: true; amount: Money } | { ok: false; code: AmountCode } {
  const parsed = parseAmountInput(text, { zero: 'refused' });
  return parsed.ok ? { ok: true, amount: parsed.value } : { ok: false, code: parsed.code };
}

export interface MoneyInInput {
  source: MoneySource;
  /** YYYY-MM-DD. */
  date: string;
  /** As typed: a decimal string. */
  amount: string;
  method: PaymentMethod;
  memo: string;
  /** The paying unit, for source 'unit'. */
  unitId: string | null;
  /** Who paid, for government support and donations. */
  payer: string;
  /** Donations and government support may be restricted to the fund's purpose (限定性). */
  restricted: boolean;
  attachment: Upload | null;
  /** From the form: a retry of the same form records nothing twice. */
  idempotencyKey: string;
}

export type MoneyInCode =
  | AmountCode
  | DateCode
  | 'memo_must_be_short'
  | 'payer_must_be_short'
  | 'payer_is_required'
  | 'unit_must_belong_to_fund'
  | 'unit_code_cannot_name_an_account'
  | 'form_was_already_used_for_something_else'
  | 'fund_not_found'
  | PostCode;

export type MoneyInResult = { ok: true; seq: number; replayed: boolean } | Denied | { ok: false; code: MoneyInCode };

interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

/** Records one payment into the fund, by a fund administrator. */
export async function recordMoneyIn(sql: Sql, input: Command & MoneyInInput): Promise<MoneyInResult> {
  if (!can(input.actor, 'fund.office.manage', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return runCommand<{ ok: true; seq: number; replayed: boolean }, Failure<MoneyInCode>>(sql, (transaction) =>
    recordMoneyInIn(transaction, { ...input, actorUserId, checkToday: true })
  );
}

type PlainInput = Omit<Command, 'actor'> & MoneyInInput & { actorUserId: string | null; checkToday: boolean };

/**
 * The use case inside a transaction the caller holds, for the demo seed too. Refusals that come
 * after something was written throw a Refusal, so that the caller's transaction rolls back.
 * Its steps keep this order, which is the lock order: the checks and the income account (which
 * may open a unit's sub-account), then the chain head, then the entry.
 */
export async function recordMoneyInIn(
  transaction: Transaction,
  input: PlainInput
): Promise<{ ok: true; seq: number; replayed: boolean }> {
  const amount = await checkedAmountIn(transaction, input);
  const credit = await creditAccountFor(transaction, input);
  const { seq, replayed } = await nextSeqIn(transaction, input);
  const entryId = await postMoneyInIn(transaction, input, { amount, credit, seq });
  if (!replayed) {
    await recordEvent(transaction, {
      action: 'money.recorded',
      outcome: 'ok',
      at: input.now,
      actorUserId: input.actorUserId,
      fundId: input.fundId,
      resourceType: 'entry',
      resourceId: entryId,
      detail: { reason: input.source, amount: amount.toString(), entrySeq: seq }
    });
  }
  return { ok: true, seq, replayed };
}

/** The amount of a payment whose fields pass every check; any other payment is refused. */
async function checkedAmountIn(transaction: Transaction, input: PlainInput): Promise<Money> {
  const [fund] = await transaction<{ fiscal_year: number }[]>`
    select fiscal_year from funds where id = ${input.fundId}`;
  if (fund === undefined) refuse<MoneyInCode>('fund_not_found');
  const amount = parseAmount(input.amount);
  if (!amount.ok) refuse<MoneyInCode>(amount.code);
  const dateCode = checkBookDate({
    date: input.date,
    today: input.checkToday ? chinaDateOf(input.now) : '9999-12-31',
    fiscalYear: fund.fiscal_year
  });
  if (dateCode !== null) refuse<MoneyInCode>(dateCode);
  if (input.memo.length > MEMO_LENGTH_MAX) refuse<MoneyInCode>('memo_must_be_short');
  if (input.payer.length > PAYER_LENGTH_MAX) refuse<MoneyInCode>('payer_must_be_short');
  if ((input.source === 'government' || input.source === 'donation') && input.payer.trim() === '') {
    refuse<MoneyInCode>('payer_is_required');
  }
  return amount.amount;
}

/** The entry's number, with the fund's chain head locked until the transaction ends. */
async function nextSeqIn(transaction: Transaction, input: PlainInput): Promise<{ seq: number; replayed: boolean }> {
  // The chain head is locked first (the posting path's own lock order), so that no other entry
  // can take the next number between reading it and posting: the voucher number is the entry's
  // seq, which the books number 1, 2, 3, … without gaps in each fund, so vouchers have no gaps
  // either. An entry already recorded under this form's key keeps its number, and the ledger
  // then decides whether the retry is the same request (a replay) or a different one (refused).
  const key = moneyInKey(input);
  const [head] = await transaction<{ last_seq: string; existing_seq: string | null }[]>`
    select h.last_seq::text as last_seq,
           (select e.seq::text from entries e where e.fund_id = h.fund_id and e.idempotency_key = ${key}) as existing_seq
      from chain_heads h where h.fund_id = ${input.fundId} for update`;
  if (head === undefined) refuse<MoneyInCode>('fund_not_found');
  const replayed = head.existing_seq !== null;
  return { seq: head.existing_seq === null ? Number(head.last_seq) + 1 : Number(head.existing_seq), replayed };
}

const moneyInKey = (input: PlainInput) => `money-in:${input.idempotencyKey}`;

/** Stores the payment's attachment and posts its entry as number `seq`; the entry's id. */
async function postMoneyInIn(
  transaction: Transaction,
  input: PlainInput,
  { amount, credit, seq }: { amount: Money; credit: { code: string; label: string }; seq: number }
): Promise<string> {
  if (input.attachment !== null) {
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: input.attachment,
      uploadedBy: input.actorUserId,
      at: input.now
    });
  }
  const command: PostCommand = {
    date: input.date,
    memo: memoOf(input, credit.label),
    idempotencyKey: moneyInKey(input),
    references: {
      voucherNumber: voucherNumberOf(seq),
      ...(input.attachment === null ? {} : { attachmentHashes: [input.attachment.sha256] })
    },
    postings: [
      { account: input.method === 'bank' ? ACCOUNTS.pool : ACCOUNTS.cash, side: 'debit', amount },
      { account: credit.code, side: 'credit', amount }
    ]
  };
  const posted = await books.postIn(transaction, {
    fundId: input.fundId,
    command,
    recordedAt: input.now.toISOString()
  });
  if (!posted.ok) {
    refuse<MoneyInCode>(
      posted.code === 'idempotency_key_reused' ? 'form_was_already_used_for_something_else' : posted.code
    );
  }
  if (posted.value.seq !== seq) throw new Error(`money in: expected entry ${seq}, the books wrote ${posted.value.seq}`);
  return posted.value.id;
}

/** The income account a payment is credited to, opening a unit's sub-account on its first payment. */
async function creditAccountFor(transaction: Transaction, input: PlainInput): Promise<{ code: string; label: string }> {
  switch (input.source) {
    case 'unit': {
      const [unit] = await transaction<{ code: string; name: string }[]>`
        select code, name from units where id = ${input.unitId ?? '0'} and fund_id = ${input.fundId}`;
      if (unit === undefined) refuse<MoneyInCode>('unit_must_belong_to_fund');
      const code = subAccountCode({ parent: ACCOUNTS.donationsRestricted, dimension: 'unit', id: unit.code });
      if (!code.ok) refuse<MoneyInCode>('unit_code_cannot_name_an_account');
      const opened = await books.openIn(transaction, { fundId: input.fundId, command: { code: code.value } });
      if (!opened.ok) refuse<MoneyInCode>(opened.code === 'fund_not_found' ? 'fund_not_found' : 'account_not_found');
      return { code: code.value, label: `单位出资·${unit.name}` };
    }
    case 'government':
      return {
        code: input.restricted ? ACCOUNTS.subsidiesRestricted : ACCOUNTS.subsidiesUnrestricted,
        label: `政府补助·${input.payer.trim()}`
      };
    case 'donation':
      return {
        code: input.restricted ? ACCOUNTS.donationsRestricted : ACCOUNTS.donationsUnrestricted,
        label: `慈善捐赠·${input.payer.trim()}`
      };
    case 'interest':
      return { code: ACCOUNTS.incomeInvestment, label: '利息收入' };
  }
}

/** The entry's 摘要: where the money came from, then what the administrator wrote. */
function memoOf(input: Pick<MoneyInInput, 'memo'>, label: string): string {
  const memo = input.memo.trim();
  return memo === '' ? label : `${label}：${memo}`;
}

// ---------------------------------------------------------------------------------------------
// Pledges

export type PledgeResult =
  | { ok: true; changed: boolean }
  | Denied
  | { ok: false; code: AmountCode | 'unit_must_belong_to_fund' | 'fund_not_found' };

/**
 * Records what a unit promised for the fund's fiscal year. A pledge is changed by recording a
 * new amount; each change leaves an event with the new amount, so the history is in the audit
 * trail. Recording the amount already on file changes nothing and leaves no event, which also
 * makes a double-submitted form harmless.
 */
export async function recordPledge(
  sql: Sql,
  input: Command & { unitId: string; amount: string }
): Promise<PledgeResult> {
  if (!can(input.actor, 'fund.office.manage', { fundId: input.fundId }).allowed) {
    return { ok: false, code: 'not_allowed' };
  }
  const amount = parseAmount(input.amount);
  if (!amount.ok) return amount;
  const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
  return sql.begin((transaction) =>
    recordPledgeIn(transaction, { ...input, actorUserId, amount: amount.amount })
  ) as Promise<PledgeResult>;
}

export async function recordPledgeIn(
  transaction: Transaction,
  input: Omit<Command, 'actor'> & { unitId: string; amount: Money; actorUserId: string | null }
): Promise<PledgeResult> {
  const [unit] = await transaction<{ fiscal_year: number; pledged: string | null }[]>`
    select f.fiscal_year,
           (select p.amount::text from pledges p
             where p.fund_id = f.id and p.unit_id = u.id and p.fiscal_year = f.fiscal_year) as pledged
      from units u join funds f on f.id = u.fund_id
     where u.id = ${input.unitId} and u.fund_id = ${input.fundId}
       for update of u`;
  if (unit === undefined) return { ok: false, code: 'unit_must_belong_to_fund' };
  if (unit.pledged !== null && money(unit.pledged).equals(input.amount)) {
    return { ok: true, changed: false };
  }
  await transaction`
    insert into pledges (fund_id, unit_id, fiscal_year, amount, recorded_at, recorded_by)
    values (${input.fundId}, ${input.unitId}, ${unit.fiscal_year}, ${input.amount.toString()}, ${input.now},
            ${input.actorUserId})
    on conflict (fund_id, unit_id, fiscal_year)
    do update set amount = excluded.amount, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by`;
  await recordEvent(transaction, {
    action: 'pledge.recorded',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    resourceType: 'unit',
    resourceId: input.unitId,
    detail: { unitId: input.unitId, amount: input.amount.toString(), fiscalYear: unit.fiscal_year }
  });
  return { ok: true, changed: true };
}

// ---------------------------------------------------------------------------------------------
// The money-in page

export const MONEY_PAGE_SIZE = 20;

export interface MoneyInRow {
  seq: number;
  date: string;
  memo: string;
  /** Where the money came from, read off the income account credited. */
  source: MoneySource | 'other';
  amount: string;
  attachmentsCount: number;
}

export interface UnitPledgeRow {
  id: string;
  name: string;
  pledged: string | null;
  paid: string;
}

export interface MoneyInOverview {
  fiscalYear: number;
  entries: MoneyInRow[];
  /** The seq to pass as ?before= for the next (older) page, or null on the last page. */
  nextBefore: number | null;
  units: UnitPledgeRow[];
}

/** The source a credited account means. */
export function sourceOfAccount(code: string): MoneySource | 'other' {
  if (code.startsWith(`${ACCOUNTS.donationsRestricted}.U-`)) return 'unit';
  if (code.startsWith('4101')) return 'donation';
  if (code.startsWith('4401')) return 'government';
  if (code === ACCOUNTS.incomeInvestment) return 'interest';
  return 'other';
}

/**
 * Entries that brought money in (a credit to an income account: 4xxx), newest first, one page at
 * a time by keyset on seq; and each unit's pledge and what it paid this fiscal year.
 */
export async function moneyInOverview(
  sql: Sql,
  input: { fundId: string; before: number | null }
): Promise<MoneyInOverview> {
  const before = input.before ?? Number.MAX_SAFE_INTEGER;
  const rows = await sql<
    { seq: string; date: string; memo: string; credit_account: string; amount: string; attachments: number }[]
  >`
    select e.seq::text as seq, to_char(e.effective_date, 'YYYY-MM-DD') as date, e.memo,
           min(p.account_code) filter (where p.side = 'credit') as credit_account,
           sum(p.amount) filter (where p.side = 'debit')::text as amount,
           cardinality(e.attachment_hashes) as attachments
      from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
     where e.fund_id = ${input.fundId} and e.seq < ${before} and e.reverses is null
       and not exists (select 1 from closing_entries c where c.fund_id = e.fund_id and c.entry_id = e.id)
       and exists (select 1 from postings i where i.fund_id = e.fund_id and i.entry_seq = e.seq
                    and i.side = 'credit' and i.account_code like '4%')
     group by e.fund_id, e.seq
     order by e.seq desc
     limit ${MONEY_PAGE_SIZE + 1}`;
  const page = rows.slice(0, MONEY_PAGE_SIZE);
  const [fund] = await sql<{ fiscal_year: number }[]>`select fiscal_year from funds where id = ${input.fundId}`;
  const fiscalYear = fund?.fiscal_year ?? new Date().getUTCFullYear();
  const units = await sql<UnitPledgeRow[]>`
    select u.id::text as id, u.name,
           (select p.amount::text from pledges p
             where p.fund_id = u.fund_id and p.unit_id = u.id and p.fiscal_year = ${fiscalYear}) as pledged,
           coalesce((select sum(case when po.side = 'credit' then po.amount else -po.amount end)
                       from postings po join entries e on e.fund_id = po.fund_id and e.seq = po.entry_seq
                      where po.fund_id = u.fund_id
                        -- A unit's restricted gift stays its own when its restriction is lifted
                        -- (reclassified into 4101.02.U-<code>); the period close is not a payment.
                        and po.account_code in (${`${ACCOUNTS.donationsRestricted}.U-`} || u.code,
                                                ${`${ACCOUNTS.donationsUnrestricted}.U-`} || u.code)
                        and not exists (select 1 from closing_entries c
                                         where c.fund_id = e.fund_id and c.entry_id = e.id)
                        and extract(year from e.effective_date) = ${fiscalYear}), 0)::numeric(18, 2)::text as paid
      from units u where u.fund_id = ${input.fundId} order by u.code`;
  return {
    fiscalYear,
    entries: page.map((row) => ({
      seq: Number(row.seq),
      date: row.date,
      memo: row.memo,
      source: sourceOfAccount(row.credit_account),
      amount: row.amount,
      attachmentsCount: row.attachments
    })),
    nextBefore: rows.length > MONEY_PAGE_SIZE ? Number(page.at(-1)?.seq ?? '0') : null,
    units
  };
}

// ---------------------------------------------------------------------------------------------
// The demo fund
