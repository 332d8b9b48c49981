import { chinaDateOf } from '@gongjian/ledger';
import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { readUpload, UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { calendarDate } from '$lib/server/platform/form-input';
import { authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { parseAmount } from '$lib/server/fund/money-in';
import { can } from '$lib/server/access/policy';
import * as raising from '$lib/server/projects/self-raising';
import { raiseRefusalOf, type RaiseField } from '$lib/server/projects/raise-refusals';
import { projectPage, projectSummary } from './raise.server';
import { checklistAction } from './checklist.server';
import { checklistOf, checklistRecordedOf } from '$lib/server/projects/raise-checklist';
import { HOUSEHOLD_SEARCH_MAX } from '$lib/household-search';
import type { Actions, PageServerLoad } from './$types';
import { failureStatusOf, fieldErrorsOf } from '$lib/server/platform/form-errors';

/**
 * Self-raising (自筹) of one project: the progress toward the target and the participation rate
 * for everyone who may read the project, the payments recorded (households masked), and for the
 * compound's committee and the fund administrator the form that records a household's payment.
 */

export const load: PageServerLoad = async (event) => {
  const page = await projectPage(event);
  const canRaise = can(event.locals.actor, 'project.raise', page.ref).allowed;
  const db = sql();
  const recorded = event.url.searchParams.get('recorded');
  const query = (event.url.searchParams.get('q') ?? '').slice(0, HOUSEHOLD_SEARCH_MAX);
  const checklistKey = event.url.searchParams.get('checklist') ?? '';
  const compoundRef = { fundId: page.fund.id, compoundId: page.project.compoundId };
  return {
    ...projectSummary(page, event.locals),
    progress: await raising.raiseProgressOf(db, page.fund.id, page.project),
    payments: await raising.paymentsOf(db, page.project),
    paymentsShownMax: raising.PAYMENTS_SHOWN_MAX,
    canRaise,
    // The households' full names are for the people who collect the money, not every reader.
    households: canRaise ? await raising.householdOptionsOf(db, page.project) : [],
    key: randomUUID(),
    today: chinaDateOf(new Date()),
    recorded: recorded !== null && /^[1-9][0-9]{0,17}$/.test(recorded) ? recorded : null,
    // The checklist of the register's households, for those who record; the search is a GET filter.
    checklist: canRaise ? await checklistOf(db, page.project, query) : null,
    query,
    checklistRecorded: v.is(UuidKey, checklistKey)
      ? await checklistRecordedOf(db, { fundId: page.fund.id, project: page.project, idempotencyKey: checklistKey })
      : null,
    // The register's page, where an empty register is filled (by those who may fill it).
    canFillRegister: can(event.locals.actor, 'compound.households.manage', compoundRef).allowed,
    compoundId: page.project.compoundId
  };
};

const UuidKey = v.pipe(v.string(), v.uuid());

const RecordForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  householdId: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/)),
  amount: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  date: calendarDate,
  method: v.picklist(raising.RAISE_METHODS)
});

type Field = RaiseField;

const fieldMessages: Record<Field, () => string> = {
  householdId: () => m.raise_error_household(),
  amount: () => m.raise_error_amount(),
  date: () => m.raise_error_date(),
  method: () => m.raise_error_method(),
  receipt: () => m.attachment_error_type(),
  form: () => m.raise_error_invalid()
};

/** The fields sent back so that a refused form keeps what was typed (never the file). */
function valuesOf(form: FormData) {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, 40) : '';
  };
  return { householdId: text('householdId'), amount: text('amount'), date: text('date'), method: text('method') };
}

type Values = ReturnType<typeof valuesOf>;

function refused(status: number, errors: Partial<Record<Field, string>>, values: Values | null) {
  return fail(status, { errors, values });
}

export const actions: Actions = {
  checklist: checklistAction,
  record: async (event) => {
    const page = await projectPage(event);
    // The state is the use case's to judge: a form sent again is answered as the first time.
    authorizeCommand(event, 'project.raise', page.ref);
    // A body announced as larger than one attachment can make is refused before it is read.
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX) return refused(413, { receipt: m.attachment_error_size() }, null);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(RecordForm, Object.fromEntries(form));
    const errors: Partial<Record<Field, string>> = parsed.success ? {} : fieldErrorsOf(parsed.issues, fieldMessages);
    const amount = parseAmount(values.amount);
    if (!amount.ok && errors.amount === undefined) {
      errors.amount = raiseRefusalOf({ ok: false, code: amount.code }, event.locals.locale).message;
    }
    const file = form.get('receipt');
    const upload = await readUpload(file instanceof File ? file : null);
    if (!upload.ok) errors.receipt = raiseRefusalOf({ ok: false, code: upload.code }, event.locals.locale).message;
    if (!parsed.success || !upload.ok || Object.keys(errors).length > 0) return refused(400, errors, values);
    const input = parsed.output;
    const result = await raising.recordSelfRaisedPayment(sql(), {
      actor: event.locals.actor,
      fundId: page.fund.id,
      number: page.project.number,
      now: new Date(),
      ip: clientAddress(event),
      householdId: input.householdId,
      amount: input.amount,
      date: input.date,
      method: input.method,
      receipt: upload.upload,
      idempotencyKey: input.key
    });
    if (!result.ok) {
      // Asked again under the project's lock: closed since the page was loaded (the state, said in
      // words), or a role taken away meanwhile.
      const forState =
        result.code === 'not_allowed' && 'reason' in result && result.reason === 'state_does_not_allow_it';
      if (result.code === 'not_allowed' && !forState) return refused(403, { form: m.error_forbidden() }, values);
      const refusal = raiseRefusalOf(result, event.locals.locale);
      return refused(forState ? 409 : failureStatusOf(result.code), { [refusal.field]: refusal.message }, values);
    }
    redirect(303, `/funds/${page.fund.slug}/projects/${page.project.number}/raise?recorded=${result.paymentId}`);
  }
};
