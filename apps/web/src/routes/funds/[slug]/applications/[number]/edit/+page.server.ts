import { chinaDateOf, type BudgetLineInput } from '@gongjian/ledger';
import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import * as limits from '$lib/application-limits';
import * as applications from '$lib/server/grants/applications';
import { applicationRefusalTexts } from '$lib/server/grants/application-refusals';
import { readUpload, SHA256_HEX, UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { formText } from '$lib/server/platform/form-input';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { applicationFrom, presentation, submitAction } from '../../application.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The committee's step-by-step form: basics, budget, match, self-raise plan, owners' meeting,
 * quotes, then a review with the Submit button. Each step posts to its own action, which saves the
 * draft and goes on to the next step; nothing needs JavaScript. Ids and states come from the URL
 * and the database, never from the form, so extra fields change nothing.
 */

const STEPS = applications.STEPS;
type Step = applications.Step;

function stepOf(url: URL): Step {
  const asked = url.searchParams.get('step');
  return STEPS.find((step) => step === asked) ?? 'basics';
}

/** Spare rows the budget form offers below the saved lines; `?rows=` asks for more. */
function budgetRowsOf(url: URL, saved: number): number {
  const asked = Number(url.searchParams.get('rows') ?? '0');
  const wanted = Number.isSafeInteger(asked) && asked > 0 ? asked : saved + 2;
  return Math.min(Math.max(wanted, saved + 1, 3), applications.BUDGET_LINES_MAX);
}

export const load: PageServerLoad = async (event) => {
  const { fund, detail, ref } = await applicationFrom(event);
  const decision = can(event.locals.actor, 'application.edit', ref);
  // Once submitted, the form is closed; its committee is shown the application instead.
  if (!decision.allowed && decision.reason === 'state_does_not_allow_it') {
    redirect(303, `/funds/${fund.slug}/applications/${detail.number}`);
  }
  authorize(event, 'application.edit', ref);
  const step = stepOf(event.url);
  const shown = await presentation(fund.id, detail);
  const missing =
    step === 'review' ? await applications.missingForSubmission(sql(), { fundId: fund.id, application: detail }) : [];
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    application: detail,
    ...shown,
    step,
    steps: [...STEPS],
    budgetRows: budgetRowsOf(event.url, detail.lines.length),
    today: chinaDateOf(new Date()),
    missing,
    saved: event.url.searchParams.get('saved') === '1'
  };
};

// Each field takes exactly what its input's maxlength lets a person type (the same constants).
const BasicsForm = v.object({
  title: formText(limits.TITLE_LENGTH_MAX),
  category: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_-]{0,32}$/)), ''),
  description: formText(limits.DESCRIPTION_LENGTH_MAX),
  location: formText(limits.LOCATION_LENGTH_MAX)
});
const RowForm = v.object({
  item: formText(limits.ITEM_LENGTH_MAX),
  quantity: formText(limits.QUANTITY_TEXT_LENGTH_MAX),
  unitPrice: formText(limits.AMOUNT_TEXT_LENGTH_MAX)
});
const MatchForm = v.object({
  requestedRatio: formText(limits.RATIO_TEXT_LENGTH_MAX),
  requestedRatioReason: formText(limits.REASON_LENGTH_MAX)
});
const SelfRaiseForm = v.object({
  selfRaiseTarget: formText(limits.AMOUNT_TEXT_LENGTH_MAX),
  householdsExpected: formText(limits.HOUSEHOLDS_TEXT_LENGTH_MAX)
});
const MeetingForm = v.object({
  // A date field has no maxlength; the date itself is checked by the one date rule (isDate).
  meetingDate: formText(20),
  householdsTotal: formText(limits.HOUSEHOLDS_TEXT_LENGTH_MAX),
  householdsPresent: formText(limits.HOUSEHOLDS_TEXT_LENGTH_MAX),
  householdsAgreeing: formText(limits.HOUSEHOLDS_TEXT_LENGTH_MAX)
});
const RemoveForm = v.object({ sha256: v.pipe(v.string(), v.regex(SHA256_HEX)) });

type Event = RequestEvent;

/** The application, with the edit right checked for the visitor. */
async function editable(event: Event) {
  const found = await applicationFrom(event);
  authorize(event, 'application.edit', found.ref);
  return found;
}

function nextStep(step: Step): Step {
  return STEPS[Math.min(STEPS.indexOf(step) + 1, STEPS.length - 1)] ?? 'review';
}

/** Text fields of a form as sent, for a refused form to show again (never files). */
function echo(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) {
    if (typeof value === 'string' && key.length <= 40) values[key] = value.slice(0, 4000);
  }
  return values;
}

/** Sends a step back with its refusals as sentences, and what was typed. */
function refused(
  status: number,
  payload: { step: Step; errors: Record<string, string>; values: Record<string, string> }
) {
  return fail(status, { ...payload, errors: applicationRefusalTexts(payload.errors) });
}

/** Saves one step and moves on, or sends the form back with what each field needs. */
async function save(event: Event, step: Step, form: FormData, draft: applications.DraftInput | null, errors = {}) {
  const { fund, detail } = await editable(event);
  if (draft === null) return refused(400, { step, errors: { form: 'invalid', ...errors }, values: echo(form) });
  const result = await applications.saveDraft(sql(), {
    actor: event.locals.actor,
    fundId: fund.id,
    number: detail.number,
    draft,
    now: new Date(),
    ip: clientAddress(event)
  });
  if (!result.ok) {
    const fieldErrors = result.code === 'invalid_input' ? result.errors : { form: result.code };
    return refused(failureStatusOf(result.code), { step, errors: fieldErrors, values: echo(form) });
  }
  const next = draft.step === 'quote_add' || draft.step === 'quote_remove' ? 'quotes' : nextStep(step);
  redirect(303, `/funds/${fund.slug}/applications/${detail.number}/edit?step=${next}&saved=1`);
}

async function uploadOf(event: Event, form: FormData, field: string) {
  const file = form.get(field);
  return readUpload(file instanceof File ? file : null);
}

/** A body announced as larger than one attachment can make is refused before it is read. */
function tooLarge(event: Event): boolean {
  return Number(event.request.headers.get('content-length') ?? '0') > UPLOAD_REQUEST_BYTES_MAX;
}

export const actions: Actions = {
  basics: async (event) => {
    await editable(event);
    const form = await event.request.formData();
    const parsed = v.safeParse(BasicsForm, Object.fromEntries(form));
    return save(event, 'basics', form, parsed.success ? { step: 'basics', ...parsed.output } : null);
  },
  budget: async (event) => {
    await editable(event);
    const form = await event.request.formData();
    const rows: BudgetLineInput[] = [];
    for (let index = 0; index < applications.BUDGET_LINES_MAX + 10; index += 1) {
      const row = v.safeParse(RowForm, {
        item: form.get(`item_${index}`) ?? undefined,
        quantity: form.get(`quantity_${index}`) ?? undefined,
        unitPrice: form.get(`unitPrice_${index}`) ?? undefined
      });
      if (!row.success) return save(event, 'budget', form, null);
      rows.push(row.output);
    }
    return save(event, 'budget', form, { step: 'budget', lines: rows });
  },
  match: async (event) => {
    await editable(event);
    const form = await event.request.formData();
    const parsed = v.safeParse(MatchForm, Object.fromEntries(form));
    return save(event, 'match', form, parsed.success ? { step: 'match', ...parsed.output } : null);
  },
  selfraise: async (event) => {
    await editable(event);
    const form = await event.request.formData();
    const parsed = v.safeParse(SelfRaiseForm, Object.fromEntries(form));
    return save(event, 'selfraise', form, parsed.success ? { step: 'selfraise', ...parsed.output } : null);
  },
  meeting: async (event) => {
    await editable(event);
    if (tooLarge(event))
      return refused(413, { step: 'meeting', errors: { minutes: 'attachment_must_not_exceed_10_mb' }, values: {} });
    const form = await event.request.formData();
    const parsed = v.safeParse(MeetingForm, Object.fromEntries(form));
    const minutes = await uploadOf(event, form, 'minutes');
    if (!minutes.ok) return refused(400, { step: 'meeting', errors: { minutes: minutes.code }, values: echo(form) });
    return save(
      event,
      'meeting',
      form,
      parsed.success ? { step: 'meeting', ...parsed.output, minutes: minutes.upload } : null
    );
  },
  quote: async (event) => {
    await editable(event);
    if (tooLarge(event))
      return refused(413, { step: 'quotes', errors: { quote: 'attachment_must_not_exceed_10_mb' }, values: {} });
    const form = await event.request.formData();
    const quote = await uploadOf(event, form, 'quote');
    if (!quote.ok) return refused(400, { step: 'quotes', errors: { quote: quote.code }, values: {} });
    if (quote.upload === null)
      return refused(400, { step: 'quotes', errors: { quote: 'quote_is_required' }, values: {} });
    return save(event, 'quotes', form, { step: 'quote_add', quote: quote.upload });
  },
  quoteRemove: async (event) => {
    await editable(event);
    const form = await event.request.formData();
    const parsed = v.safeParse(RemoveForm, Object.fromEntries(form));
    return save(event, 'quotes', form, parsed.success ? { step: 'quote_remove', sha256: parsed.output.sha256 } : null);
  },
  submit: submitAction
};
