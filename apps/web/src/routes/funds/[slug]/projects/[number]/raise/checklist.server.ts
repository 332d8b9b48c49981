import { SELF_RAISE_BATCH_MAX } from '@gongjian/ledger';
import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { calendarDate } from '$lib/server/platform/form-input';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { authorizeCommand, clientAddress } from '$lib/server/access/guard';
import * as raising from '$lib/server/projects/self-raising';
import { recordChecklist, type ChecklistLineInput } from '$lib/server/projects/raise-checklist';
import {
  checklistLineMessageOf,
  checklistRefusalOf,
  type ChecklistField
} from '$lib/server/projects/raise-checklist-refusals';
import { projectPage } from './raise.server';
import type { RequestEvent } from './$types';

/**
 * The checklist's form: the day and the method once, a tick box `pay` per household whose value is
 * the household's id, and each household's amount in `amount-<id>`. Only ticked households are
 * read; every refused line is said beside its household, and what was typed is sent back.
 */

const ChecklistForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  date: calendarDate,
  method: v.picklist(raising.RAISE_METHODS)
});

const HOUSEHOLD_ID = /^[1-9][0-9]{0,17}$/;

/** What was typed, sent back with a refusal so that nothing has to be typed twice. */
interface ChecklistValues {
  ticked: string[];
  amounts: { id: string; amount: string }[];
  date: string;
  method: string;
}

function valuesOf(form: FormData): ChecklistValues {
  const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value.slice(0, 40) : '');
  const ticked = form
    .getAll('pay')
    .map(text)
    .filter((id) => HOUSEHOLD_ID.test(id))
    .slice(0, SELF_RAISE_BATCH_MAX + 1);
  const amounts: { id: string; amount: string }[] = [];
  for (const [name, value] of form.entries()) {
    const id = name.startsWith('amount-') ? name.slice('amount-'.length) : '';
    if (HOUSEHOLD_ID.test(id) && amounts.length <= SELF_RAISE_BATCH_MAX) amounts.push({ id, amount: text(value) });
  }
  return { ticked, amounts, date: text(form.get('date')), method: text(form.get('method')) };
}

type Errors = Partial<Record<ChecklistField, string>>;

function refused(
  status: number,
  errors: Errors,
  values: ChecklistValues,
  lines: { id: string; message: string }[] = []
) {
  return fail(status, { checklist: { errors, lines, values } });
}

/** Records the ticked households at once, then shows the page again with what was recorded. */
export async function checklistAction(event: RequestEvent) {
  const page = await projectPage(event);
  // The state is the use case's to judge: a checklist sent again is answered as the first time.
  authorizeCommand(event, 'project.raise', page.ref);
  const form = await event.request.formData();
  const values = valuesOf(form);
  const parsed = v.safeParse(ChecklistForm, Object.fromEntries(form));
  if (!parsed.success) {
    const fields = new Set(parsed.issues.map((issue) => issue.path?.[0]?.key));
    const errors: Errors = {};
    if (fields.has('date')) errors.date = m.raise_error_date();
    if (fields.has('method')) errors.method = m.raise_error_method();
    if (fields.has('key')) errors.form = m.raise_error_invalid();
    return refused(400, errors, values);
  }
  const amountOf = new Map(values.amounts.map((line) => [line.id, line.amount]));
  const lines: ChecklistLineInput[] = values.ticked.map((id) => ({ householdId: id, amount: amountOf.get(id) ?? '' }));
  const result = await recordChecklist(sql(), {
    actor: event.locals.actor,
    fundId: page.fund.id,
    number: page.project.number,
    now: new Date(),
    ip: clientAddress(event),
    lines,
    date: parsed.output.date,
    method: parsed.output.method,
    idempotencyKey: parsed.output.key
  });
  if (!result.ok) {
    const forState = result.code === 'not_allowed' && 'reason' in result && result.reason === 'state_does_not_allow_it';
    if (result.code === 'not_allowed' && !forState) return refused(403, { form: m.error_forbidden() }, values);
    const { field, message } = checklistRefusalOf(result.code);
    const bad = 'lines' in result ? result.lines : [];
    const lineMessages = bad.map((line) => ({
      id: line.household,
      message: checklistLineMessageOf(line, event.locals.locale)
    }));
    return refused(forState ? 409 : failureStatusOf(result.code), { [field]: message }, values, lineMessages);
  }
  const path = `/funds/${page.fund.slug}/projects/${page.project.number}/raise`;
  redirect(303, `${path}?checklist=${parsed.output.key}`);
}
