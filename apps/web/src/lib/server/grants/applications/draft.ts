import {
  chinaDateOf,
  checkOwnersConsent,
  isDate,
  parseAmountInput,
  parseBudgetLines,
  type BudgetLineInput,
  type Money,
  type OwnersConsentCode
} from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { storeAttachmentIn, type Upload } from '../../platform/attachments';
import type { Sql, Transaction } from '../../db/client';
import { currentPolicy } from '../../fund/fund-policy';
import {
  DESCRIPTION_LENGTH_MAX,
  HOUSEHOLDS_MAX,
  ITEM_LENGTH_MAX,
  LOCATION_LENGTH_MAX,
  QUOTES_MAX,
  REASON_LENGTH_MAX,
  TITLE_LENGTH_MAX,
  actorIdOf,
  type Command,
  type NotAllowed,
  type NotEditable,
  type NotFound
} from './model';
import { applicationView } from './reads';
import { categoryCode, matchPreview, requestedRatioCode } from './live-match';
import { editRefusal, lockApplication, runApplicationCommand, type LockedApplication } from './commands';

/**
 * Saving one step of a draft: each step is a function of its own that checks every field of the
 * step before it writes anything, so a refused step leaves the draft as it was.
 */

export type DraftInput =
  | { step: 'basics'; title: string; category: string; description: string; location: string }
  | { step: 'budget'; lines: BudgetLineInput[] }
  | { step: 'match'; requestedRatio: string; requestedRatioReason: string }
  | { step: 'selfraise'; selfRaiseTarget: string; householdsExpected: string }
  | {
      step: 'meeting';
      meetingDate: string;
      householdsTotal: string;
      householdsPresent: string;
      householdsAgreeing: string;
      minutes: Upload | null;
    }
  | { step: 'quote_add'; quote: Upload }
  | { step: 'quote_remove'; sha256: string };

/** Refusals of one field of a step, keyed by the field's name (budget rows: `<index>.<field>`). */
export type DraftErrors = Record<string, string>;

export type SaveDraftResult =
  { ok: true } | NotAllowed | NotFound | NotEditable | { ok: false; code: 'invalid_input'; errors: DraftErrors };

/**
 * Saves one step of a draft (or of a returned application being revised). Every field is checked
 * before anything is written, so a refused step leaves the draft as it was.
 */
export async function saveDraft(
  sql: Sql,
  input: Command & { number: number; draft: DraftInput }
): Promise<SaveDraftResult> {
  return runApplicationCommand(sql, (transaction) => saveDraftIn(transaction, input));
}

export async function saveDraftIn(
  transaction: Transaction,
  input: Command & { number: number; draft: DraftInput }
): Promise<SaveDraftResult> {
  const row = await lockApplication(transaction, input.fundId, input.number);
  if (row === null) return { ok: false, code: 'application_not_found' };
  const refusal = editRefusal(input.actor, input.fundId, row);
  if (refusal !== null) return refusal;
  const policy = await currentPolicy(transaction as unknown as Sql, input.fundId);
  const errors = await saveStep({ transaction, input, row, policy }, input.draft);
  if (errors !== null) return { ok: false, code: 'invalid_input', errors };
  await recordEvent(transaction, {
    action: 'application.saved',
    outcome: 'ok',
    at: input.now,
    actorUserId: actorIdOf(input.actor),
    fundId: input.fundId,
    ip: input.ip,
    resourceType: 'application',
    resourceId: row.id,
    detail: { applicationNumber: input.number, revision: row.revision, step: input.draft.step }
  });
  return { ok: true };
}

/** What every step's saver is given: the locked application and the fund's current policy. */
interface StepContext {
  transaction: Transaction;
  input: Command & { number: number };
  row: LockedApplication;
  policy: Awaited<ReturnType<typeof currentPolicy>>;
}

/** A step's refusals, or null when the step was saved. */
type StepOutcome = Promise<DraftErrors | null>;

function saveStep(context: StepContext, draft: DraftInput): StepOutcome {
  switch (draft.step) {
    case 'basics':
      return saveBasics(context, draft);
    case 'budget':
      return saveBudget(context, draft);
    case 'match':
      return saveRequestedRatio(context, draft);
    case 'selfraise':
      return saveSelfRaisePlan(context, draft);
    case 'meeting':
      return saveOwnersMeeting(context, draft);
    case 'quote_add':
      return addQuote(context, draft);
    case 'quote_remove':
      return removeQuote(context, draft);
  }
}

function hasErrors(errors: DraftErrors): boolean {
  return Object.keys(errors).length > 0;
}

async function touch({ transaction, input, row }: StepContext): Promise<void> {
  await transaction`update applications set updated_at = ${input.now} where id = ${row.id}`;
}

async function saveBasics(
  { transaction, input, row, policy }: StepContext,
  draft: Extract<DraftInput, { step: 'basics' }>
): StepOutcome {
  const errors: DraftErrors = {};
  const title = draft.title.trim();
  if (title === '') errors['title'] = 'title_is_required';
  else if (title.length > TITLE_LENGTH_MAX) errors['title'] = 'title_must_be_short';
  const category = policy === null ? null : categoryCode(draft.category, policy.policy);
  if (category !== null) errors['category'] = category;
  if (draft.description.length > DESCRIPTION_LENGTH_MAX) errors['description'] = 'description_must_be_short';
  if (draft.location.length > LOCATION_LENGTH_MAX) errors['location'] = 'location_must_be_short';
  if (hasErrors(errors)) return errors;
  await transaction`
    update applications set title = ${title}, category = ${draft.category}, description = ${draft.description.trim()},
           location = ${draft.location.trim()}, updated_at = ${input.now}
     where id = ${row.id}`;
  return null;
}

async function saveBudget(context: StepContext, draft: Extract<DraftInput, { step: 'budget' }>): StepOutcome {
  const { transaction, input, row } = context;
  const parsed = parseBudgetLines(draft.lines, { itemLengthMax: ITEM_LENGTH_MAX });
  if (!parsed.ok) return parsed.code === null ? parsed.errors : { ...parsed.errors, lines: parsed.code };
  await transaction`delete from budget_lines where application_id = ${row.id}`;
  for (const line of parsed.lines) {
    await transaction`
      insert into budget_lines (fund_id, application_id, line_no, item, quantity, unit_price, amount)
      values (${input.fundId}, ${row.id}, ${line.lineNo}, ${line.item}, ${line.quantity}, ${line.unitPrice},
              ${line.amount})`;
  }
  await touch(context);
  return null;
}

function requestedRatioErrors(ratio: string, reason: string, policy: StepContext['policy']): DraftErrors | null {
  if (ratio === '') return null;
  if (policy === null) return { requestedRatio: 'requested_ratio_must_be_a_fraction' };
  if (reason.length > REASON_LENGTH_MAX) return { requestedRatioReason: 'reason_must_be_short' };
  const code = requestedRatioCode(ratio, reason, policy.policy);
  if (code === null) return null;
  return code === 'requested_ratio_needs_a_reason' ? { requestedRatioReason: code } : { requestedRatio: code };
}

async function saveRequestedRatio(
  { transaction, input, row, policy }: StepContext,
  draft: Extract<DraftInput, { step: 'match' }>
): StepOutcome {
  const ratio = draft.requestedRatio.trim();
  const reason = draft.requestedRatioReason.trim();
  const errors = requestedRatioErrors(ratio, reason, policy);
  if (errors !== null) return errors;
  await transaction`
    update applications set requested_ratio = ${ratio === '' ? null : ratio},
           requested_ratio_reason = ${ratio === '' ? '' : reason}, updated_at = ${input.now}
     where id = ${row.id}`;
  return null;
}

/** The households a plan counts, or the code refusing them: at least one, at most the compound's size. */
async function householdsExpectedOf(
  { transaction, row }: StepContext,
  text: string
): Promise<{ ok: true; count: number } | { ok: false; code: string }> {
  const households = text.trim();
  if (!/^\d{1,6}$/.test(households) || Number(households) < 1) {
    return { ok: false, code: 'households_must_be_a_whole_number' };
  }
  const count = Number(households);
  if (count > HOUSEHOLDS_MAX) return { ok: false, code: 'households_must_be_a_whole_number' };
  const [compound] = await transaction<{ count: number | null }[]>`
    select households_count as count from compounds where id = ${row.compoundId}`;
  if (compound?.count !== null && compound?.count !== undefined && count > compound.count) {
    return { ok: false, code: 'households_exceed_compound' };
  }
  return { ok: true, count };
}

/** The self-raise target as typed, or, left empty, what the match leaves to raise; null when neither is known. */
async function selfRaiseTargetOf(
  { transaction, input, policy }: StepContext,
  text: string
): Promise<{ ok: true; target: Money } | { ok: false; code: string }> {
  if (text.trim() !== '') {
    const parsed = parseAmountInput(text, { zero: 'allowed' });
    // A mistyped target is refused with the one amount rule's own codes (the form's shared sentences).
    return parsed.ok ? { ok: true, target: parsed.value } : { ok: false, code: parsed.code };
  }
  // Left empty, the target is what the match leaves to raise: the budget total less the match.
  const detail = await applicationView(transaction, { fundId: input.fundId, number: input.number });
  if (detail !== null) {
    const preview = await matchPreview(transaction, {
      fundId: input.fundId,
      application: detail,
      policy,
      now: input.now
    });
    if (preview.ok) return { ok: true, target: preview.decision.selfRaised };
  }
  return { ok: false, code: 'self_raise_target_is_required' };
}

async function saveSelfRaisePlan(context: StepContext, draft: Extract<DraftInput, { step: 'selfraise' }>): StepOutcome {
  const { transaction, input, row } = context;
  const households = await householdsExpectedOf(context, draft.householdsExpected);
  const target = await selfRaiseTargetOf(context, draft.selfRaiseTarget);
  const errors: DraftErrors = {};
  if (!households.ok) errors['householdsExpected'] = households.code;
  if (!target.ok) errors['selfRaiseTarget'] = target.code;
  if (!households.ok || !target.ok) return errors;
  await transaction`
    update applications set self_raise_target = ${target.target.toString()}, households_expected = ${households.count},
           updated_at = ${input.now}
     where id = ${row.id}`;
  return null;
}

const MEETING_COUNT_FIELDS = ['householdsTotal', 'householdsPresent', 'householdsAgreeing'] as const;

/** Too few present or agreeing is a fact worth recording; only impossible counts are refused. */
const IMPOSSIBLE_COUNTS = new Map<OwnersConsentCode, (typeof MEETING_COUNT_FIELDS)[number]>([
  ['households_total_must_be_positive', 'householdsTotal'],
  ['present_must_not_exceed_total', 'householdsPresent'],
  ['agreeing_must_not_exceed_present', 'householdsAgreeing'],
  ['counts_must_be_whole_numbers', 'householdsAgreeing']
]);

type MeetingDraft = Extract<DraftInput, { step: 'meeting' }>;
type MeetingCounts = { householdsTotal: number; householdsPresent: number; householdsAgreeing: number };

/** The meeting's three counts, or its refusals: whole numbers whose consent is possible. */
function meetingCountsOf(
  draft: MeetingDraft,
  policy: StepContext['policy']
): { ok: true; counts: MeetingCounts } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const counts: Partial<MeetingCounts> = {};
  for (const field of MEETING_COUNT_FIELDS) {
    const text = draft[field].trim();
    if (/^\d{1,6}$/.test(text)) counts[field] = Number(text);
    else errors[field] = 'count_must_be_a_whole_number';
  }
  const { householdsTotal, householdsPresent, householdsAgreeing } = counts;
  if (householdsTotal === undefined || householdsPresent === undefined || householdsAgreeing === undefined) {
    return { ok: false, errors };
  }
  const whole = { householdsTotal, householdsPresent, householdsAgreeing };
  const checked = checkOwnersConsent(
    whole,
    policy?.policy.ownersConsent ?? { presentShareMin: '0', agreeShareMin: '0' }
  );
  const impossible = checked.ok ? undefined : IMPOSSIBLE_COUNTS.get(checked.code);
  if (!checked.ok && impossible !== undefined) return { ok: false, errors: { [impossible]: checked.code } };
  if (householdsTotal > HOUSEHOLDS_MAX)
    return { ok: false, errors: { householdsTotal: 'count_must_be_a_whole_number' } };
  return { ok: true, counts: whole };
}

function meetingDateCode(date: string, now: Date): string | null {
  if (!isDate(date)) return 'date_must_be_valid';
  return date > chinaDateOf(now) ? 'date_must_not_be_in_the_future' : null;
}

async function saveOwnersMeeting(context: StepContext, draft: MeetingDraft): StepOutcome {
  const { transaction, input, row } = context;
  const dateCode = meetingDateCode(draft.meetingDate, input.now);
  const counted = meetingCountsOf(draft, context.policy);
  if (dateCode !== null || !counted.ok) {
    return { ...(dateCode === null ? {} : { meetingDate: dateCode }), ...(counted.ok ? {} : counted.errors) };
  }
  const { householdsTotal, householdsPresent, householdsAgreeing } = counted.counts;
  if (draft.minutes !== null) {
    await storeAttachmentIn(transaction, {
      fundId: input.fundId,
      upload: draft.minutes,
      uploadedBy: actorIdOf(input.actor),
      at: input.now
    });
  }
  await transaction`
    insert into resolutions (fund_id, application_id, meeting_date, households_total, households_present,
                             households_agreeing, minutes_sha256)
    values (${input.fundId}, ${row.id}, ${draft.meetingDate}, ${householdsTotal}, ${householdsPresent},
            ${householdsAgreeing}, ${draft.minutes?.sha256 ?? null})
    on conflict (application_id) do update
      set meeting_date = excluded.meeting_date, households_total = excluded.households_total,
          households_present = excluded.households_present, households_agreeing = excluded.households_agreeing,
          minutes_sha256 = coalesce(excluded.minutes_sha256, resolutions.minutes_sha256)`;
  await touch(context);
  return null;
}

async function addQuote(context: StepContext, draft: Extract<DraftInput, { step: 'quote_add' }>): StepOutcome {
  const { transaction, input, row } = context;
  const [counted] = await transaction<{ count: number }[]>`
    select count(*)::int as count from application_attachments where application_id = ${row.id} and kind = 'quote'`;
  if ((counted?.count ?? 0) >= QUOTES_MAX) return { quote: 'too_many_quotes' };
  await storeAttachmentIn(transaction, {
    fundId: input.fundId,
    upload: draft.quote,
    uploadedBy: actorIdOf(input.actor),
    at: input.now
  });
  await transaction`
    insert into application_attachments (fund_id, application_id, sha256, kind, added_at)
    values (${input.fundId}, ${row.id}, ${draft.quote.sha256}, 'quote', ${input.now})
    on conflict (application_id, sha256) do nothing`;
  await touch(context);
  return null;
}

async function removeQuote(context: StepContext, draft: Extract<DraftInput, { step: 'quote_remove' }>): StepOutcome {
  await context.transaction`
    delete from application_attachments
     where application_id = ${context.row.id} and sha256 = ${draft.sha256} and kind = 'quote'`;
  await touch(context);
  return null;
}
