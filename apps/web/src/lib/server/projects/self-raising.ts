import {
  amountInWords,
  decideSelfRaisedPayment,
  entryVoucherNumber,
  Money,
  money,
  participationOf,
  selfRaiseRemainingOf,
  chinaDateOf,
  type PostCode,
  type Rejection,
  type SelfRaisedPaymentCode,
  type SelfRaisedPaymentFigures
} from '@gongjian/ledger';
import { recordEvent } from '../platform/audit';
import { storeAttachmentIn, type Upload } from '../platform/attachments';
import { Refusal, refuse, runCommand } from '../platform/command';
import type { Sql, Transaction } from '../db/client';
import { parseAmount, type AmountCode, type DateCode } from '../fund/money-in';
import { can, type Actor, type DenyReason } from '../access/policy';
import {
  loadProject,
  postVoucherIn,
  projectAccountsIn,
  projectKey,
  projectPolicyIn,
  projectRefOf,
  type ProjectRow
} from './project-core';

/**
 * Self-raising (自筹): the committee records each household's payment toward its compound's share
 * of a project. A payment is one ledger entry, Dr 1002.02.P-n (the project's bank money) / Cr
 * 2209.P-n (money the fund holds for the households until it is spent or refunded), numbered as
 * a voucher, posted in the same transaction as its row, its receipt file and its audit event.
 * The project row is locked first, so two payments racing for the last of the target queue there
 * and the second sees the first; a form's key makes a double submission record nothing twice.
 */

export const RAISE_METHODS = ['cash', 'bank', 'wechat', 'hand'] as const;
export type RaiseMethod = (typeof RAISE_METHODS)[number];

/** How the memo and the methods read in the books, which are kept in Chinese. */
const METHOD_IN_BOOKS: Record<RaiseMethod, string> = {
  cash: '现金',
  bank: '银行转账',
  wechat: '微信',
  hand: '手工登记'
};

export interface HouseholdDoor {
  building: string;
  unitNo: string;
  room: string;
}

/** A household's door as the registers write it: building-unit-room (the unit left out when blank). */
export function doorOf(household: HouseholdDoor): string {
  return [household.building, household.unitNo, household.room].filter((part) => part.trim() !== '').join('-');
}

/**
 * A household as the books and shared lists show it: the door and the first character of the name
 * followed by '*' (王建国 → 王*). The full name stays in the register and on the household's own receipt.
 */
export function maskedHouseholdOf(household: HouseholdDoor & { name: string }): string {
  const first = Array.from(household.name.trim())[0];
  return first === undefined ? doorOf(household) : `${doorOf(household)} ${first}*`;
}

export interface SelfRaiseInput {
  householdId: string;
  /** As typed: a decimal string. */
  amount: string;
  /** YYYY-MM-DD. */
  date: string;
  method: RaiseMethod;
  receipt: Upload | null;
  /** From the form: a retry of the same form records nothing twice. */
  idempotencyKey: string;
}

export type SelfRaiseCode =
  | AmountCode
  | DateCode
  | 'household_must_be_in_compound'
  | 'form_was_already_used_for_something_else'
  | 'project_not_found'
  | PostCode;

export type SelfRaiseResult =
  | { ok: true; paymentId: string; seq: number; replayed: boolean }
  | { ok: false; code: 'not_allowed'; reason: DenyReason }
  | { ok: false; code: 'payment_exceeds_target'; remaining: string }
  | { ok: false; code: SelfRaiseCode };

interface Command {
  actor: Actor;
  fundId: string;
  number: number;
  now: Date;
  ip: string | null;
}

type SelfRaiseFailure = Extract<SelfRaiseResult, { ok: false }>;

/** Records one household's payment, by the compound's committee or a fund administrator. */
export async function recordSelfRaisedPayment(sql: Sql, input: Command & SelfRaiseInput): Promise<SelfRaiseResult> {
  return runCommand<SelfRaiseResult, SelfRaiseFailure>(sql, async (transaction): Promise<SelfRaiseResult> => {
    const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
    if (project === null) return { ok: false, code: 'project_not_found' };
    // Asked again under the lock: the project may have been closed since the page was loaded.
    // A role that may raise money, refused for the state alone, may be sending its own form
    // again (answered as the first time); a new payment is refused for the state.
    const decision = can(input.actor, 'project.raise', projectRefOf(input.fundId, project));
    if (!decision.allowed) {
      const replay = decision.reason === 'state_does_not_allow_it' ? await replayOf(transaction, input) : null;
      return replay ?? { ok: false, code: 'not_allowed', reason: decision.reason };
    }
    const actorUserId = input.actor.kind === 'user' ? input.actor.userId : null;
    return await recordIn(transaction, { ...input, project, actorUserId, checkDates: true });
  });
}

export type PlainInput = Omit<Command, 'actor' | 'number'> &
  SelfRaiseInput & {
    project: ProjectRow;
    actorUserId: string | null;
    /** Off only for the demo seed, whose payments are dated back from whatever day it runs. */
    checkDates: boolean;
  };

type Recorded = { ok: true; paymentId: string; seq: number; replayed: boolean };

/**
 * The same form sent again: the first outcome, whatever has been recorded since. The form's key
 * used for a different payment is refused, so that a stale form cannot stand in for a new one.
 */
async function replayOf(
  transaction: Transaction,
  input: Pick<PlainInput, 'fundId' | 'idempotencyKey' | 'householdId' | 'amount' | 'date' | 'method'>
): Promise<Recorded | null> {
  const [earlier] = await transaction<
    { id: string; householdId: string; amount: string; paidOn: string; method: string; seq: string }[]
  >`
    select id::text as id, household_id::text as "householdId", amount::text as amount,
           to_char(paid_on, 'YYYY-MM-DD') as "paidOn", method, entry_seq::text as seq
      from self_raised_payments where fund_id = ${input.fundId} and create_key = ${input.idempotencyKey}`;
  if (earlier === undefined) return null;
  const amount = parseAmount(input.amount);
  const same =
    amount.ok &&
    earlier.householdId === input.householdId &&
    money(earlier.amount).equals(amount.amount) &&
    earlier.paidOn === input.date &&
    earlier.method === input.method;
  if (!same) refuse<SelfRaiseCode>('form_was_already_used_for_something_else');
  return { ok: true, paymentId: earlier.id, seq: Number(earlier.seq), replayed: true };
}

export type Household = HouseholdDoor & { name: string };

/**
 * What the payment rule needs, read under the project's lock: the fund's year, the household (if
 * it is one of the compound's) and what the households have paid so far.
 */
async function figuresIn(
  transaction: Transaction,
  input: PlainInput
): Promise<{ household: Household | undefined; figures: SelfRaisedPaymentFigures }> {
  const { project } = input;
  const [fund] = await transaction<{ fiscalYear: number }[]>`
    select fiscal_year as "fiscalYear" from funds where id = ${input.fundId}`;
  if (fund === undefined) refuse<SelfRaiseCode>('project_not_found');
  const [household] = await transaction<Household[]>`
    select building, unit_no as "unitNo", room, name from households
     where id = ${/^[0-9]{1,18}$/.test(input.householdId) ? input.householdId : '0'}
       and fund_id = ${input.fundId} and compound_id = ${project.compoundId}`;
  const [received] = await transaction<{ total: string }[]>`
    select coalesce(sum(amount), 0)::text as total from standing_self_raised_payments where application_id = ${project.id}`;
  return {
    household,
    figures: {
      target: money(project.selfRaiseTarget),
      received: money(received?.total ?? '0'),
      householdInCompound: household !== undefined,
      dateRules: input.checkDates ? { today: chinaDateOf(input.now), fiscalYear: fund.fiscalYear } : null
    }
  };
}

/** The ledger's refusal as the use case's failure: only a payment beyond the target names a figure. */
function failureOf(rejection: Rejection<SelfRaisedPaymentCode>): SelfRaiseFailure {
  return rejection.code === 'payment_exceeds_target'
    ? { ok: false, code: rejection.code, remaining: String(rejection['remaining']) }
    : { ok: false, code: rejection.code };
}

/**
 * Records the payment in a transaction the caller holds (the demo seed too): the ledger decides
 * whether it may be recorded, and a refusal throws, so the caller's transaction rolls back.
 */
export async function recordIn(transaction: Transaction, input: PlainInput): Promise<Recorded> {
  const replay = await replayOf(transaction, input);
  if (replay !== null) return replay;
  const { household, figures } = await figuresIn(transaction, input);
  const decision = decideSelfRaisedPayment(figures, { amount: input.amount, date: input.date });
  if (!decision.ok) throw new Refusal(failureOf(decision));
  // The rule refused a household of another compound already; this tells the compiler so.
  if (household === undefined) refuse<SelfRaiseCode>('household_must_be_in_compound');
  const paid = decision.value.amount;
  const seq = await postPaymentIn(transaction, { ...input, household, paid });
  const paymentId = await insertPaymentIn(transaction, { ...input, paid, seq });
  return { ok: true, paymentId, seq, replayed: false };
}

/** The payment's receipt file and its entry, Dr the project's bank money / Cr the households' money. */
export async function postPaymentIn(
  transaction: Transaction,
  input: PlainInput & { household: Household; paid: Money }
): Promise<number> {
  const { project, paid } = input;
  if (input.receipt !== null) {
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: input.receipt,
      uploadedBy: input.actorUserId,
      at: input.now
    });
  }
  const accounts = await projectAccountsIn(transaction, input.fundId, project);
  const posted = await postVoucherIn(transaction, {
    fundId: input.fundId,
    key: `raise:${input.idempotencyKey}`,
    now: input.now,
    posting: {
      kind: 'post',
      command: {
        date: input.date,
        memo: `自筹款·${project.title.slice(0, 40)}·${maskedHouseholdOf(input.household)}·${METHOD_IN_BOOKS[input.method]}`,
        postings: [
          { account: accounts.funds, side: 'debit', amount: paid },
          { account: accounts.selfRaised, side: 'credit', amount: paid }
        ]
      },
      references: {
        applicationId: projectKey(project),
        ...(input.receipt === null ? {} : { attachmentHashes: [input.receipt.sha256] })
      }
    }
  });
  if (!posted.ok) {
    refuse<SelfRaiseCode>(
      posted.code === 'idempotency_key_reused'
        ? 'form_was_already_used_for_something_else'
        : (posted.code as SelfRaiseCode)
    );
  }
  return posted.seq;
}

/** The payment's row and its audit event, beside the entry just posted. */
export async function insertPaymentIn(
  transaction: Transaction,
  input: PlainInput & { paid: Money; seq: number }
): Promise<string> {
  const { project, paid } = input;
  const [row] = await transaction<{ id: string }[]>`
    insert into self_raised_payments (fund_id, application_id, household_id, amount, paid_on, method, receipt_sha256,
                                      entry_seq, recorded_by, recorded_at, create_key)
    values (${input.fundId}, ${project.id}, ${input.householdId}, ${paid.toString()}, ${input.date},
            ${input.method}, ${input.receipt?.sha256 ?? null}, ${input.seq}, ${input.actorUserId}, ${input.now},
            ${input.idempotencyKey})
    returning id::text as id`;
  if (row === undefined) throw new Error('self-raising: the payment row was not written');
  await recordEvent(transaction, {
    action: 'project.self_raised',
    outcome: 'ok',
    at: input.now,
    actorUserId: input.actorUserId,
    fundId: input.fundId,
    resourceType: 'self_raised_payment',
    resourceId: row.id,
    detail: {
      applicationNumber: project.number,
      amount: paid.toString(),
      entrySeq: input.seq,
      idempotencyKey: input.idempotencyKey
    }
  });
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// The raise page

export interface RaiseProgress {
  target: string;
  received: string;
  /** What may still be paid before the target is reached; never negative. */
  remaining: string;
  householdsPaid: number;
  householdsExpected: number;
  /** Households paid over households expected, in percent with one decimal (null when none are expected). */
  participationPercent: string | null;
  /** The policy's minimum share of households, in percent, or null when it sets none. */
  participationMinPercent: string | null;
  participationMet: boolean;
}

export interface PaymentRow {
  id: string;
  /** The door and the masked name: the list is read by more people than the household. */
  household: string;
  amount: string;
  date: string;
  method: RaiseMethod;
  seq: number;
  voucherNumber: string;
  receiptSha256: string | null;
  /** Reversed (冲销): still listed, as the books keep it, but no longer counted as paid. */
  reversed: boolean;
}

export interface HouseholdOption {
  id: string;
  door: string;
  name: string;
  paid: string;
}

/** The payments the page lists at most; a compound has a few hundred households at the most. */
export const PAYMENTS_SHOWN_MAX = 500;

export async function raiseProgressOf(
  db: Sql | Transaction,
  fundId: string,
  project: ProjectRow
): Promise<RaiseProgress> {
  const [row] = await db<{ received: string; householdsPaid: number }[]>`
    select coalesce(sum(amount), 0)::text as received, count(distinct household_id)::int as "householdsPaid"
      from standing_self_raised_payments where application_id = ${project.id}`;
  const policy = await projectPolicyIn(db, fundId, project.policyVersion);
  const target = money(project.selfRaiseTarget);
  const received = money(row?.received ?? '0');
  // The payout rule's own definition of participation, so the page and the payout never disagree.
  const participation = participationOf({
    householdsPaid: row?.householdsPaid ?? 0,
    householdsExpected: project.householdsExpected,
    participationMin: policy.participationMin
  });
  return {
    target: target.toString(),
    received: received.toString(),
    remaining: selfRaiseRemainingOf({ target, received }).toString(),
    householdsPaid: participation.householdsPaid,
    householdsExpected: participation.householdsExpected,
    participationPercent: participation.percent,
    participationMinPercent: participation.percentMin,
    participationMet: participation.met
  };
}

export async function paymentsOf(db: Sql | Transaction, project: ProjectRow): Promise<PaymentRow[]> {
  const rows = await db<
    (HouseholdDoor & {
      id: string;
      name: string;
      amount: string;
      date: string;
      method: RaiseMethod;
      seq: string;
      voucherNumber: string | null;
      receiptSha256: string | null;
      reversed: boolean;
    })[]
  >`
    select p.id::text as id, h.building, h.unit_no as "unitNo", h.room, h.name, p.amount::text as amount,
           to_char(p.paid_on, 'YYYY-MM-DD') as date, p.method, p.entry_seq::text as seq,
           e.voucher_number as "voucherNumber", p.receipt_sha256 as "receiptSha256",
           exists (select 1 from reversed_entries r where r.fund_id = p.fund_id and r.seq = p.entry_seq) as reversed
      from self_raised_payments p
      join households h on h.id = p.household_id
      join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
     where p.application_id = ${project.id}
     order by p.paid_on desc, p.id desc
     limit ${PAYMENTS_SHOWN_MAX}`;
  return rows.map((row) => ({
    id: row.id,
    household: maskedHouseholdOf(row),
    amount: row.amount,
    date: row.date,
    method: row.method,
    seq: Number(row.seq),
    voucherNumber: entryVoucherNumber({ seq: Number(row.seq), voucherNumber: row.voucherNumber }),
    receiptSha256: row.receiptSha256,
    reversed: row.reversed
  }));
}

/** The compound's households for the form's list, with what each has paid toward this project. */
export async function householdOptionsOf(db: Sql | Transaction, project: ProjectRow): Promise<HouseholdOption[]> {
  const rows = await db<(HouseholdDoor & { id: string; name: string; paid: string })[]>`
    select h.id::text as id, h.building, h.unit_no as "unitNo", h.room, h.name,
           coalesce((select sum(p.amount) from standing_self_raised_payments p
                      where p.application_id = ${project.id} and p.household_id = h.id), 0)::numeric(18, 2)::text as paid
      from households h where h.compound_id = ${project.compoundId}
     order by h.building, h.unit_no, h.room, h.id`;
  return rows.map((row) => ({ id: row.id, door: doorOf(row), name: row.name, paid: row.paid }));
}

// ---------------------------------------------------------------------------------------------
// The receipt

export interface Receipt {
  id: string;
  projectNumber: number;
  projectTitle: string;
  compoundName: string;
  committeeType: string;
  /** The household's full name: the receipt is handed to the household itself. */
  householdName: string;
  door: string;
  amount: string;
  amountInWords: string;
  date: string;
  method: RaiseMethod;
  voucherNumber: string;
  seq: number;
  /** The entry's hash in the books' chain, printed so the household can check it online. */
  hash: string;
  /** Who recorded the payment for the committee. */
  recordedBy: string;
}

export async function receiptOf(
  db: Sql | Transaction,
  input: { project: ProjectRow; paymentId: string }
): Promise<Receipt | null> {
  if (!/^[1-9][0-9]{0,17}$/.test(input.paymentId)) return null;
  const [row] = await db<
    (HouseholdDoor & {
      id: string;
      name: string;
      compoundName: string;
      committeeType: string;
      amount: string;
      date: string;
      method: RaiseMethod;
      seq: string;
      voucherNumber: string | null;
      hash: string;
      recordedBy: string;
    })[]
  >`
    select p.id::text as id, h.building, h.unit_no as "unitNo", h.room, h.name, c.name as "compoundName",
           c.committee_type as "committeeType", p.amount::text as amount, to_char(p.paid_on, 'YYYY-MM-DD') as date,
           p.method, p.entry_seq::text as seq, e.voucher_number as "voucherNumber", e.hash,
           u.display_name as "recordedBy"
      from self_raised_payments p
      join households h on h.id = p.household_id
      join compounds c on c.id = h.compound_id
      join entries e on e.fund_id = p.fund_id and e.seq = p.entry_seq
      join users u on u.id = p.recorded_by
     where p.id = ${input.paymentId} and p.application_id = ${input.project.id}`;
  if (row === undefined) return null;
  const amount = money(row.amount);
  return {
    id: row.id,
    projectNumber: input.project.number,
    projectTitle: input.project.title,
    compoundName: row.compoundName,
    committeeType: row.committeeType,
    householdName: row.name,
    door: doorOf(row),
    amount: amount.toString(),
    amountInWords: amountInWords(amount),
    date: row.date,
    method: row.method,
    voucherNumber: entryVoucherNumber({ seq: Number(row.seq), voucherNumber: row.voucherNumber }),
    seq: Number(row.seq),
    hash: row.hash,
    recordedBy: row.recordedBy
  };
}

// ---------------------------------------------------------------------------------------------
// The demo fund
