import {
  GRANT_STATES,
  Money,
  money,
  participationOf,
  chinaDateOf,
  deliberationStageOf,
  transitionStageOf,
  type DeliberationStage,
  quotaYearBounds,
  quotaYearOf
} from '@gongjian/ledger';
import { personLabelsIn, type PersonLabel } from '../projects/acceptance';
import { revisionSnapshot } from '../grants/applications';
import { closingView } from '../projects/closing';
import type { Sql } from '../db/client';
import { categoryLabelOf, currentPolicy } from '../fund/fund-policy';
import { objectionOutcomesOf, publicNotice, type ObjectionOutcomeView, type PublicNotice } from '../grants/notices';
import { projectPolicyIn } from '../projects/project-core';
import { maskedHouseholdOf } from '../projects/self-raising';
import { signoffDaysOf } from '../projects/signoffs';

/*
 * The public projects (阳光公示): the list of a fund's grants from their approval on, and one
 * project's page. Anyone may read them, so what they return is chosen field by field: people are
 * a role and a unit or compound, never a name, login or phone number; households are their
 * building–unit and a masked name (张*); free text typed for the office (comments, notes, memos,
 * reasons, objections' names and contacts, evaluation comments) is left out; an uploaded file is
 * named only once someone has checked it for personal data. Every read is an index scan by fund
 * and application number or id, or an aggregate over one application's rows.
 */

/** The states in which an application is a public project; drafts and applications in review are not. */
export const PUBLIC_PROJECT_STATUSES = GRANT_STATES;
export type PublicProjectStatus = (typeof PUBLIC_PROJECT_STATUSES)[number];

export interface PublicProjectFilters {
  status: PublicProjectStatus | null;
  /** A compound's code (the registers' code, stable in URLs). */
  compound: string | null;
  /** A category's key in the fund's policy. */
  category: string | null;
  /** The year (China's calendar) the grant was decided. */
  year: number | null;
}

export interface Label {
  zh: string;
  en: string;
}

export interface PublicProjectRow {
  number: number;
  title: string;
  compoundName: string;
  category: string;
  /** The category's name in the current policy, or null when the policy no longer names it. */
  categoryLabel: Label | null;
  status: PublicProjectStatus;
  year: number | null;
  budget: string;
  matchApproved: string;
  selfRaisedReceived: string;
  selfRaisedTarget: string;
  matchPaid: string;
  spent: string;
}

export interface PublicProjectList {
  rows: PublicProjectRow[];
  /** What the filters can choose from. */
  options: {
    compounds: { code: string; name: string }[];
    categories: { key: string; label: Label }[];
    years: number[];
  };
}

/**
 * The instants of a year of decisions, by the quota's rule (China's calendar year, quotaYearBounds),
 * or an empty span for a year no decision can have been taken in, so a visitor's odd year filters
 * to nothing rather than failing.
 */
function decidedWithin(year: number): { from: string; until: string } {
  if (!Number.isSafeInteger(year) || year < 1000 || year > 9998) return { from: 'infinity', until: 'infinity' };
  return quotaYearBounds(year);
}

/** The fund's public projects, newest first, filtered as asked (an absent filter filters nothing). */
export async function publicProjects(
  sql: Sql,
  fundId: string,
  filters: PublicProjectFilters
): Promise<PublicProjectList> {
  const statuses: readonly string[] = filters.status === null ? PUBLIC_PROJECT_STATUSES : [filters.status];
  const span = filters.year === null ? null : decidedWithin(filters.year);
  const [rows, compounds, decisions, policy] = await Promise.all([
    sql<(Omit<PublicProjectRow, 'categoryLabel' | 'year'> & { decidedAt: Date | null })[]>`
      select a.number, a.title, c.name as "compoundName", a.category, a.status, a.decided_at as "decidedAt",
             (select coalesce(sum(b.amount), 0)::numeric(18, 2)::text from budget_lines b where b.application_id = a.id)
               as budget,
             coalesce(a.approved_amount, 0)::text as "matchApproved",
             coalesce(a.self_raise_target, 0)::text as "selfRaisedTarget",
             (select coalesce(sum(p.amount), 0)::text from standing_self_raised_payments p where p.application_id = a.id)
               as "selfRaisedReceived",
             (select coalesce(sum(o.amount), 0)::text from standing_payouts o where o.application_id = a.id and o.status = 'paid')
               as "matchPaid",
             (select coalesce(sum(e.amount), 0)::text from standing_expenses e where e.application_id = a.id) as spent
        from applications a join compounds c on c.id = a.compound_id
       where a.fund_id = ${fundId} and a.status = any(${statuses}::text[])
         and (${filters.compound}::text is null or c.code = ${filters.compound}::text)
         and (${filters.category}::text is null or a.category = ${filters.category}::text)
         and (${span?.from ?? null}::timestamptz is null
              or (a.decided_at >= ${span?.from ?? null}::timestamptz and a.decided_at < ${span?.until ?? null}::timestamptz))
       order by a.number desc`,
    sql<{ code: string; name: string }[]>`
      select code, name from compounds where fund_id = ${fundId} order by code`,
    sql<{ decidedAt: Date }[]>`
      select a.decided_at as "decidedAt" from applications a
       where a.fund_id = ${fundId} and a.status = any(${PUBLIC_PROJECT_STATUSES}::text[]) and a.decided_at is not null`,
    currentPolicy(sql, fundId)
  ]);
  const labels = policy?.policy.categoryLabels ?? {};
  const labelOf = (key: string): Label | null => {
    const label = labels[key];
    return label === undefined ? null : { zh: label.labelZh, en: label.labelEn };
  };
  return {
    rows: rows.map(({ decidedAt, ...row }) => ({
      ...row,
      year: decidedAt === null ? null : quotaYearOf(decidedAt),
      categoryLabel: labelOf(row.category)
    })),
    options: {
      compounds,
      categories: Object.entries(labels).map(([key, label]) => ({
        key,
        label: { zh: label.labelZh, en: label.labelEn }
      })),
      years: [...new Set(decisions.map((row) => quotaYearOf(row.decidedAt)))].sort((a, b) => b - a)
    }
  };
}

/** Who did something, as the public reads it. */
export type PublicWho =
  | { kind: 'person'; role: string | null; placeName: string | null }
  /** Someone without an account: a resident objecting to a notice. */
  | { kind: 'resident' }
  | { kind: 'system' };

export type PublicTimelineKind =
  | 'transition'
  | 'vote'
  | 'objection_filed'
  | 'objection_decided'
  | 'payout_requested'
  | 'payout_paid'
  | 'payout_cancelled'
  | 'acceptance_recorded'
  | 'acceptance_confirmed'
  | 'resident_signoff';

export interface PublicTimelineItem {
  at: Date;
  kind: PublicTimelineKind;
  /** A transition's event (submit, approve, close…), a vote's choice, an objection's outcome; else ''. */
  event: string;
  amount: string | null;
  who: PublicWho;
  /** The five-deliberation stage (五议) of the step, from the ledger; null for money moving. */
  stage: DeliberationStage | null;
}

export interface PublicBudgetLine {
  item: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  actual: string;
}

export interface PublicPayment {
  /** Building–unit and a masked name: 3-2 张*. */
  household: string;
  amount: string;
  date: string;
  /** The receipt's hash once it was checked for personal data; null otherwise. */
  receipt: string | null;
}

export interface PublicPayout {
  amount: string;
  /** When it was paid (or cancelled), or asked for while it waits. */
  date: Date;
  /** A business's name when a supplier is paid; null when the compound's committee is. */
  supplier: string | null;
  status: 'waiting' | 'paid' | 'cancelled';
}

export interface PublicExpense {
  date: string;
  item: string | null;
  supplier: string;
  amount: string;
  entrySeq: number;
  voucherNumber: string | null;
  /** The invoice's hash once it was checked for personal data; null otherwise. */
  receipt: string | null;
  /** An invoice was uploaded but is not public yet. */
  receiptWaiting: boolean;
}

export interface PublicProject {
  number: number;
  title: string;
  description: string;
  location: string;
  compoundName: string;
  category: string;
  categoryLabel: Label | null;
  status: PublicProjectStatus;
  decidedAt: Date | null;
  notice: { startsOn: string; endsOn: string } | null;
  timeline: PublicTimelineItem[];
  /**
   * How many resident representatives signed the work off, and how many the project's own policy
   * version asks (null: none; see projects/signoffs.ts).
   */
  signoffs: { given: number; required: number | null };
  budget: { lines: PublicBudgetLine[]; total: string; spent: string };
  match: {
    approved: string;
    ratio: string | null;
    selfRaisedShare: string;
    policyVersion: number | null;
    /** The working as computed at submission (explainMatch), one sentence per step, or null. */
    working: { 'zh-CN': string[]; en: string[] } | null;
    /** The match computed at submission, when the leadership approved a different one. */
    computed: string | null;
  };
  selfRaising: {
    target: string;
    received: string;
    householdsPaid: number;
    /** The households the project expects to pay: the denominator of participation, as the payout rule's. */
    householdsExpected: number;
    participationPercent: string | null;
    participationMinPercent: string | null;
    participationMet: boolean;
    payments: PublicPayment[];
  };
  payouts: { lines: PublicPayout[]; paid: string };
  expenses: PublicExpense[];
  acceptance: {
    checkedOn: string;
    confirmed: boolean;
    costFinal: string | null;
    photos: { sha256: string; kind: 'before' | 'after' }[];
    photosWaiting: number;
  } | null;
  evaluation: { satisfied: number; mostlySatisfied: number; notSatisfied: number; total: number };
  closing: {
    kind: 'closed' | 'cancelled';
    closedAt: Date;
    matchFinal: string;
    matchReturned: string;
    surplus: string;
    surplusMode: 'refund' | 'keep';
  } | null;
  /** The notice (公示) while the application is approved and on notice; `open` says whether objections are taken. */
  publicNotice: PublicNotice | null;
  /** Each decided objection's outcome and the office's public reason, in every state of the project. */
  objectionOutcomes: ObjectionOutcomeView[];
}

/** Household payments shown on one page; a compound has at most a few hundred households. */
const PAYMENTS_SHOWN_MAX = 2000;

/** The application's own row, as the public page reads it. */
interface ProjectHead {
  id: string;
  number: number;
  title: string;
  description: string;
  location: string;
  compoundId: string;
  compoundName: string;
  category: string;
  status: PublicProjectStatus;
  revision: number;
  policyVersion: number | null;
  approvedAmount: string;
  approvedRatio: string | null;
  selfRaiseTarget: string;
  householdsExpected: number;
  decidedAt: Date | null;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
}

/** One public project, or null when the number names no project (an application before approval is none). */
export async function publicProject(
  sql: Sql,
  fundId: string,
  number: number,
  now: Date
): Promise<PublicProject | null> {
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const head = await projectHeadIn(sql, fundId, number);
  if (head === null) return null;
  const id = head.id;
  const [
    history,
    budget,
    selfRaised,
    payouts,
    expenses,
    acceptance,
    evaluations,
    closing,
    snapshot,
    policy,
    policyNow,
    objectionOutcomes
  ] = await Promise.all([
    historyRowsOf(sql, id),
    budgetRowsOf(sql, id),
    selfRaisedRowsOf(sql, id),
    payoutRowsOf(sql, id),
    expenseRowsOf(sql, id),
    acceptanceRowsOf(sql, id),
    evaluationRowsOf(sql, id),
    closingView(sql, id),
    revisionSnapshot(sql, { applicationId: id, revision: head.revision }),
    head.policyVersion === null ? Promise.resolve(null) : projectPolicyIn(sql, fundId, head.policyVersion),
    currentPolicy(sql, fundId),
    objectionOutcomesOf(sql, id)
  ]);
  const person = await publicWhoIn(sql, fundId, { history, payouts, accepted: acceptance.accepted });
  const labelNow = policyNow === null ? undefined : categoryLabelOf(policyNow.policy, head.category);
  const budgetTotal = Money.sum(budget.map((line) => money(line.amount)));
  return {
    number: head.number,
    title: head.title,
    description: head.description,
    location: head.location,
    compoundName: head.compoundName,
    category: head.category,
    categoryLabel: labelNow === undefined ? null : { zh: labelNow.labelZh, en: labelNow.labelEn },
    status: head.status,
    decidedAt: head.decidedAt,
    notice:
      head.noticeStartsOn === null || head.noticeEndsOn === null
        ? null
        : { startsOn: head.noticeStartsOn, endsOn: head.noticeEndsOn },
    timeline: timelineOf({ history, payouts, accepted: acceptance.accepted }, person),
    signoffs: { given: history.signoffs.length, required: policy?.residentSignoffs ?? null },
    budget: budgetOf(budget, budgetTotal, expenses),
    match: matchOf(head, budgetTotal, snapshot),
    selfRaising: selfRaisingOf(head, selfRaised, policy?.participationMin ?? null),
    payouts: payoutsOf(payouts),
    expenses: expenses.map(({ hasFile, ...row }) => ({ ...row, receiptWaiting: hasFile && row.receipt === null })),
    acceptance: acceptanceOf(acceptance),
    evaluation: evaluationOf(evaluations),
    closing: closingOf(closing),
    publicNotice:
      head.status === 'approved' ? await publicNotice(sql, { fundId, number, today: chinaDateOf(now) }) : null,
    objectionOutcomes
  };
}

/** The application by its number, when it is a public project. */
async function projectHeadIn(sql: Sql, fundId: string, number: number): Promise<ProjectHead | null> {
  const [head] = await sql<ProjectHead[]>`
    select a.id::text as id, a.number, a.title, a.description, a.location, a.compound_id::text as "compoundId",
           c.name as "compoundName", a.category, a.status, a.revision, a.policy_version as "policyVersion",
           coalesce(a.approved_amount, 0)::text as "approvedAmount", a.approved_ratio as "approvedRatio",
           coalesce(a.self_raise_target, 0)::text as "selfRaiseTarget",
           coalesce(a.households_expected, 0) as "householdsExpected", a.decided_at as "decidedAt",
           to_char(a.notice_starts_on, 'YYYY-MM-DD') as "noticeStartsOn",
           to_char(a.notice_ends_on, 'YYYY-MM-DD') as "noticeEndsOn"
      from applications a join compounds c on c.id = a.compound_id
     where a.fund_id = ${fundId} and a.number = ${number}
       and a.status = any(${PUBLIC_PROJECT_STATUSES}::text[])`;
  return head ?? null;
}

interface HistoryRows {
  transitions: { at: Date; event: string; fromStatus: string; actor: string | null }[];
  votes: { at: Date; choice: string; seat: string; unitName: string | null }[];
  objections: { filedAt: Date; status: string; decidedAt: Date | null; decidedBy: string | null }[];
  /** The days representatives signed the work off (no household named). */
  signoffs: Date[];
}

/** The application's transitions, the leadership's votes and the objections (spam left out). */
async function historyRowsOf(sql: Sql, id: string): Promise<HistoryRows> {
  const [transitions, votes, objections, signoffs] = await Promise.all([
    sql<HistoryRows['transitions']>`
      select at, event, from_status as "fromStatus", actor_user_id::text as actor from application_transitions
       where application_id = ${id} order by id`,
    sql<HistoryRows['votes']>`
      select v.cast_at as at, v.choice, v.seat_user_id::text as seat, un.name as "unitName"
        from votes v left join units un on un.id = v.unit_id
       where v.application_id = ${id} order by v.cast_at`,
    sql<HistoryRows['objections']>`
      select filed_at as "filedAt", status, decided_at as "decidedAt", decided_by::text as "decidedBy"
        from objections where application_id = ${id} and status <> 'spam' order by id`,
    signoffDaysOf(sql, id)
  ]);
  return { transitions, votes, objections, signoffs };
}

function budgetRowsOf(sql: Sql, id: string) {
  return sql<PublicBudgetLine[]>`
    select b.item, b.quantity::text as quantity, b.unit_price::text as "unitPrice", b.amount::text as amount,
           (select coalesce(sum(e.amount), 0)::numeric(18, 2)::text from standing_expenses e
             where e.application_id = b.application_id and e.line_no = b.line_no) as actual
      from budget_lines b where b.application_id = ${id} order by b.line_no`;
}

interface SelfRaisedRows {
  payments: { building: string; unitNo: string; name: string; amount: string; date: string; receipt: string | null }[];
  counted: { paid: number; received: string };
}

/** The households' payments (the first PAYMENTS_SHOWN_MAX) and their count and sum over all of them. */
async function selfRaisedRowsOf(sql: Sql, id: string): Promise<SelfRaisedRows> {
  const [payments, households] = await Promise.all([
    sql<SelfRaisedRows['payments']>`
      select h.building, h.unit_no as "unitNo", h.name, p.amount::text as amount,
             to_char(p.paid_on, 'YYYY-MM-DD') as date,
             case when f.checked_for_personal_data_at is not null then p.receipt_sha256 end as receipt
        from standing_self_raised_payments p
        join households h on h.id = p.household_id
        left join attachments f on f.fund_id = p.fund_id and f.sha256 = p.receipt_sha256
       where p.application_id = ${id}
       order by p.paid_on, p.id
       limit ${PAYMENTS_SHOWN_MAX}`,
    sql<SelfRaisedRows['counted'][]>`
      select (select count(distinct household_id)::int from standing_self_raised_payments where application_id = ${id}) as paid,
             (select coalesce(sum(amount), 0)::text from standing_self_raised_payments where application_id = ${id}) as received`
  ]);
  return { payments, counted: households[0] ?? { paid: 0, received: '0' } };
}

interface PayoutRow {
  amount: string;
  payeeKind: 'committee' | 'supplier';
  payeeName: string;
  status: 'waiting' | 'paid' | 'cancelled';
  requestedAt: Date;
  approvedAt: Date | null;
  requestedBy: string;
  approvedBy: string | null;
}

function payoutRowsOf(sql: Sql, id: string) {
  return sql<PayoutRow[]>`
    select amount::text as amount, payee_kind as "payeeKind", payee_name as "payeeName", status,
           requested_at as "requestedAt", approved_at as "approvedAt", requested_by::text as "requestedBy",
           approved_by::text as "approvedBy"
      from standing_payouts where application_id = ${id} order by id`;
}

function expenseRowsOf(sql: Sql, id: string) {
  return sql<(Omit<PublicExpense, 'receiptWaiting'> & { hasFile: boolean })[]>`
    select to_char(e.invoice_date, 'YYYY-MM-DD') as date, b.item, e.supplier, e.amount::text as amount,
           e.entry_seq::int as "entrySeq", en.voucher_number as "voucherNumber",
           case when f.checked_for_personal_data_at is not null then e.attachment_sha256 end as receipt,
           e.attachment_sha256 is not null as "hasFile"
      from standing_expenses e
      left join budget_lines b on b.application_id = e.application_id and b.line_no = e.line_no
      left join entries en on en.fund_id = e.fund_id and en.seq = e.entry_seq
      left join attachments f on f.fund_id = e.fund_id and f.sha256 = e.attachment_sha256
     where e.application_id = ${id}
     order by e.invoice_date, e.id`;
}

interface AcceptanceRow {
  checkedOn: string;
  costFinal: string | null;
  recordedAt: Date;
  recordedBy: string;
  confirmedAt: Date | null;
  confirmedBy: string | null;
}

interface AcceptanceRows {
  accepted: AcceptanceRow | null;
  photos: { sha256: string; kind: 'before' | 'after'; checked: boolean }[];
}

/** The acceptance, if one was recorded, and its photos. */
async function acceptanceRowsOf(sql: Sql, id: string): Promise<AcceptanceRows> {
  const [acceptance, photos] = await Promise.all([
    sql<AcceptanceRow[]>`
      select to_char(checked_on, 'YYYY-MM-DD') as "checkedOn", cost_final::text as "costFinal",
             recorded_at as "recordedAt", recorded_by::text as "recordedBy",
             confirmed_at as "confirmedAt", confirmed_by::text as "confirmedBy"
        from acceptances where application_id = ${id}`,
    sql<AcceptanceRows['photos']>`
      select p.sha256, p.kind, f.checked_for_personal_data_at is not null as checked
        from acceptance_photos p join attachments f on f.fund_id = p.fund_id and f.sha256 = p.sha256
       where p.application_id = ${id}
       order by p.kind desc, p.added_at, p.sha256`
  ]);
  return { accepted: acceptance[0] ?? null, photos };
}

function evaluationRowsOf(sql: Sql, id: string) {
  return sql<{ rating: string; count: number }[]>`
    select rating, count(*)::int as count from evaluations where application_id = ${id} group by rating`;
}

/** The rows the timeline is made of. */
interface TimelineRows {
  history: HistoryRows;
  payouts: PayoutRow[];
  accepted: AcceptanceRow | null;
}

/** How to name, for the public, the account that did something: its role and unit or compound, or the system. */
async function publicWhoIn(
  sql: Sql,
  fundId: string,
  { history, payouts, accepted }: TimelineRows
): Promise<(userId: string | null) => PublicWho> {
  const labels = await personLabelsIn(sql, fundId, [
    ...history.transitions.flatMap((row) => (row.actor === null ? [] : [row.actor])),
    ...history.votes.map((row) => row.seat),
    ...history.objections.flatMap((row) => (row.decidedBy === null ? [] : [row.decidedBy])),
    ...payouts.flatMap((row) => [row.requestedBy, ...(row.approvedBy === null ? [] : [row.approvedBy])]),
    ...(accepted === null
      ? []
      : [accepted.recordedBy, ...(accepted.confirmedBy === null ? [] : [accepted.confirmedBy])])
  ]);
  return (userId) => {
    if (userId === null) return { kind: 'system' };
    const label: PersonLabel = labels.get(userId) ?? { role: null, placeName: null };
    return { kind: 'person', role: label.role, placeName: label.placeName };
  };
}

/** Everything that happened to the project, oldest first. */
function timelineOf(
  { history, payouts, accepted }: TimelineRows,
  person: (userId: string | null) => PublicWho
): PublicTimelineItem[] {
  return [
    ...history.transitions.map((row) => ({
      at: row.at,
      kind: 'transition' as const,
      event: row.event,
      amount: null,
      who: person(row.actor),
      stage: transitionStageOf(row.event, row.fromStatus)
    })),
    ...history.votes.map((row) => ({
      at: row.at,
      kind: 'vote' as const,
      event: row.choice,
      amount: null,
      // A leadership seat is its unit: the vote's own unit, or the member's seat today.
      who:
        row.unitName === null ? person(row.seat) : { kind: 'person' as const, role: 'leader', placeName: row.unitName },
      stage: deliberationStageOf({ of: 'vote' })
    })),
    ...history.objections.flatMap((row) => objectionTimeline(row, person)),
    ...payouts.flatMap((row) => payoutTimeline(row, person)),
    ...(accepted === null ? [] : acceptanceTimeline(accepted, person)),
    ...history.signoffs.map((at) => ({
      at,
      kind: 'resident_signoff' as const,
      event: '',
      amount: null,
      who: { kind: 'resident' as const },
      stage: deliberationStageOf({ of: 'signoff' })
    }))
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

function objectionTimeline(
  row: HistoryRows['objections'][number],
  person: (userId: string | null) => PublicWho
): PublicTimelineItem[] {
  const filed: PublicTimelineItem = {
    at: row.filedAt,
    kind: 'objection_filed',
    event: '',
    amount: null,
    who: { kind: 'resident' },
    stage: deliberationStageOf({ of: 'objection' })
  };
  if (row.decidedAt === null) return [filed];
  return [
    filed,
    {
      at: row.decidedAt,
      kind: 'objection_decided',
      event: row.status,
      amount: null,
      who: person(row.decidedBy),
      stage: deliberationStageOf({ of: 'objection' })
    }
  ];
}

function payoutTimeline(row: PayoutRow, person: (userId: string | null) => PublicWho): PublicTimelineItem[] {
  const requested: PublicTimelineItem = {
    at: row.requestedAt,
    kind: 'payout_requested',
    event: '',
    amount: row.amount,
    who: person(row.requestedBy),
    stage: deliberationStageOf({ of: 'money' })
  };
  if (row.status === 'waiting') return [requested];
  return [
    requested,
    {
      at: row.approvedAt ?? row.requestedAt,
      kind: row.status === 'paid' ? 'payout_paid' : 'payout_cancelled',
      event: '',
      amount: row.amount,
      who: person(row.approvedBy ?? row.requestedBy),
      stage: deliberationStageOf({ of: 'money' })
    }
  ];
}

function acceptanceTimeline(
  accepted: AcceptanceRow,
  person: (userId: string | null) => PublicWho
): PublicTimelineItem[] {
  const recorded: PublicTimelineItem = {
    at: accepted.recordedAt,
    kind: 'acceptance_recorded',
    event: '',
    amount: null,
    who: person(accepted.recordedBy),
    stage: deliberationStageOf({ of: 'acceptance' })
  };
  if (accepted.confirmedAt === null) return [recorded];
  return [
    recorded,
    {
      at: accepted.confirmedAt,
      kind: 'acceptance_confirmed',
      event: '',
      amount: null,
      who: person(accepted.confirmedBy),
      stage: deliberationStageOf({ of: 'acceptance' })
    }
  ];
}

function budgetOf(lines: PublicBudgetLine[], total: Money, expenses: { amount: string }[]): PublicProject['budget'] {
  return {
    lines: lines.map((line) => ({ ...line, actual: money(line.actual).toString() })),
    total: total.toString(),
    spent: Money.sum(expenses.map((row) => money(row.amount))).toString()
  };
}

function matchOf(
  head: ProjectHead,
  budgetTotal: Money,
  snapshot: Awaited<ReturnType<typeof revisionSnapshot>>
): PublicProject['match'] {
  const approved = money(head.approvedAmount);
  // What the budget leaves to the households, never below zero. The ledger has no rule for this share yet.
  const selfShare = budgetTotal.minus(approved);
  const computed = snapshot === null ? null : money(snapshot.match.amount);
  return {
    approved: approved.toString(),
    ratio: head.approvedRatio,
    selfRaisedShare: (selfShare.isNegative() ? Money.zero() : selfShare).toString(),
    policyVersion: head.policyVersion,
    working: snapshot?.working ?? null,
    computed: computed === null || computed.equals(approved) ? null : computed.toString()
  };
}

function selfRaisingOf(
  head: ProjectHead,
  { payments, counted }: SelfRaisedRows,
  participationMin: string | null
): PublicProject['selfRaising'] {
  // The payout rule's own definition of participation (the ledger's), so this page and the payout agree.
  const participation = participationOf({
    householdsPaid: counted.paid,
    householdsExpected: head.householdsExpected,
    participationMin
  });
  return {
    target: money(head.selfRaiseTarget).toString(),
    received: money(counted.received).toString(),
    householdsPaid: participation.householdsPaid,
    householdsExpected: participation.householdsExpected,
    participationPercent: participation.percent,
    participationMinPercent: participation.percentMin,
    participationMet: participation.met,
    // The room is left out: building–unit and the first character of the name are what the
    // notice board shows, and a door number with a surname would name the household.
    payments: payments.map((row) => ({
      household: maskedHouseholdOf({ building: row.building, unitNo: row.unitNo, room: '', name: row.name }),
      amount: row.amount,
      date: row.date,
      receipt: row.receipt
    }))
  };
}

function payoutsOf(payouts: PayoutRow[]): PublicProject['payouts'] {
  return {
    lines: payouts.map((row) => ({
      amount: row.amount,
      date: row.approvedAt ?? row.requestedAt,
      supplier: row.payeeKind === 'supplier' ? row.payeeName : null,
      status: row.status
    })),
    paid: Money.sum(payouts.filter((row) => row.status === 'paid').map((row) => money(row.amount))).toString()
  };
}

function acceptanceOf({ accepted, photos }: AcceptanceRows): PublicProject['acceptance'] {
  if (accepted === null) return null;
  return {
    checkedOn: accepted.checkedOn,
    confirmed: accepted.confirmedAt !== null,
    costFinal: accepted.costFinal,
    photos: photos.filter((photo) => photo.checked).map(({ sha256, kind }) => ({ sha256, kind })),
    photosWaiting: photos.filter((photo) => !photo.checked).length
  };
}

function evaluationOf(evaluations: { rating: string; count: number }[]): PublicProject['evaluation'] {
  const count = (rating: string) => evaluations.find((row) => row.rating === rating)?.count ?? 0;
  return {
    satisfied: count('satisfied'),
    mostlySatisfied: count('mostly_satisfied'),
    notSatisfied: count('not_satisfied'),
    total: evaluations.reduce((sum, row) => sum + row.count, 0)
  };
}

function closingOf(closing: Awaited<ReturnType<typeof closingView>>): PublicProject['closing'] {
  if (closing === null) return null;
  return {
    kind: closing.kind,
    closedAt: closing.closedAt,
    matchFinal: closing.matchFinal,
    matchReturned: closing.matchReturned,
    surplus: closing.surplus,
    surplusMode: closing.surplusMode
  };
}

export interface PublicFile {
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';
  content: Buffer;
}

/**
 * The bytes of one file of one public project (an expense's invoice, a household's receipt, an
 * acceptance photo), once it was checked for personal data; null for anything else, so that the
 * fund's other evidence cannot be reached through a project.
 */
export async function publicFile(sql: Sql, fundId: string, number: number, sha256: string): Promise<PublicFile | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const [row] = await sql<PublicFile[]>`
    select f.media_type as "mediaType", f.content
      from applications a
      join attachments f on f.fund_id = a.fund_id and f.sha256 = ${sha256}
     where a.fund_id = ${fundId} and a.number = ${number} and a.status = any(${PUBLIC_PROJECT_STATUSES}::text[])
       and f.checked_for_personal_data_at is not null
       and (exists (select 1 from expenses e where e.application_id = a.id and e.attachment_sha256 = f.sha256)
            or exists (select 1 from self_raised_payments p where p.application_id = a.id and p.receipt_sha256 = f.sha256)
            or exists (select 1 from acceptance_photos ph where ph.application_id = a.id and ph.sha256 = f.sha256))`;
  return row ?? null;
}

/** The public projects of one fund in one status and category, counted and added up. */
export interface ProjectTotalsRow {
  fundId: string;
  status: PublicProjectStatus;
  category: string;
  count: number;
  matchApproved: string;
  matchPaid: string;
  selfRaisedReceived: string;
}

/**
 * The public projects of many funds, counted and summed by fund, status and category in one
 * grouped query (the region pages). Each sum is the sum of the same column of publicProjects'
 * rows, read from the same standing views, so a region's figure is its funds' pages added up
 * (tests/db/regions.test.ts holds them together).
 */
export async function projectTotalsByFund(sql: Sql, fundIds: readonly string[]): Promise<ProjectTotalsRow[]> {
  const ids = fundIds as string[];
  return await sql<ProjectTotalsRow[]>`
    with raised as (
      select application_id, sum(amount) as amount from standing_self_raised_payments
       where fund_id = any(${ids}::bigint[]) group by application_id
    ),
    paid as (
      select application_id, sum(amount) as amount from standing_payouts
       where fund_id = any(${ids}::bigint[]) and status = 'paid' group by application_id
    )
    select a.fund_id::text as "fundId", a.status, a.category, count(*)::int as count,
           coalesce(sum(a.approved_amount), 0)::numeric(18, 2)::text as "matchApproved",
           coalesce(sum(paid.amount), 0)::numeric(18, 2)::text as "matchPaid",
           coalesce(sum(raised.amount), 0)::numeric(18, 2)::text as "selfRaisedReceived"
      from applications a
      left join raised on raised.application_id = a.id
      left join paid on paid.application_id = a.id
     where a.fund_id = any(${ids}::bigint[]) and a.status = any(${PUBLIC_PROJECT_STATUSES}::text[])
     group by a.fund_id, a.status, a.category`;
}
