import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { calendarGapOf } from '$lib/server/fund/calendar';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import * as notices from '$lib/server/grants/notices';
import { fileObjectionFromForm } from '$lib/server/grants/objection-form';
import {
  OBJECTION_DECISION_REFUSALS,
  OBJECTION_DECISION_REFUSED,
  type ObjectionDecisionField
} from '$lib/server/grants/notice-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { DIGITS_ID, fundFromSlug } from '../../../fund.server';
import { noticeOf } from './notice.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * The public notice (公示) of an approved application, with the objection form while the notice
 * runs; no sign-in is needed to read it or to object. Which objections were filed and by whom is
 * not public: the page shows counts, and only the fund administrator sees the open objections,
 * with the forms that dismiss or uphold them. Loading it activates grants whose notice ended.
 */

export const load: PageServerLoad = async (event) => {
  const { fund, number, notice } = await noticeOf(event);
  const objections = await notices.openObjections(sql(), { actor: event.locals.actor, fundId: fund.id, number });
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    notice,
    objections,
    // The office (not the public) is told which year of the working-day calendar to enter, and who enters it.
    calendarGap:
      notice.noticeEndsProvisional && can(actor, 'fund.office.read', { fundId: fund.id }).allowed
        ? await calendarGapOf(sql(), { fundId: fund.id, number })
        : { years: [], notices: [] },
    canEnterCalendar: can(actor, 'platform.calendar.manage', null).allowed
  };
};

const DecideForm = v.object({
  objectionId: v.pipe(v.string(), v.regex(DIGITS_ID)),
  outcome: v.picklist(notices.OBJECTION_OUTCOMES),
  note: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(notices.OBJECTION_NOTE_MAX)),
  // Required for a dismissal or an upholding; decideObjection says so (publicReasonFor).
  publicReason: v.optional(v.pipe(v.string(), v.maxLength(notices.OBJECTION_PUBLIC_REASON_MAX * 2)), '')
});

function textOf(form: FormData, key: string, max: number): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export const actions: Actions = {
  object: async (event) => {
    const { fund, number, notice } = await noticeOf(event);
    authorize(event, 'objection.file', { fundId: fund.id, noticeOpen: notice.open });
    const outcome = await fileObjectionFromForm(sql(), {
      fundId: fund.id,
      number,
      form: await event.request.formData(),
      now: new Date(),
      ip: clientAddress(event)
    });
    if (outcome.ok) return { action: 'object' as const, filed: true };
    return fail(outcome.status, { action: 'object' as const, errors: outcome.errors, values: outcome.values });
  },

  decide: async (event) => {
    // The administrator's gate comes before the notice is looked up, so that nobody else learns
    // anything from the answer.
    const gate = await fundFromSlug(event.params.slug);
    authorize(event, 'objection.decide', { fundId: gate.id });
    const { fund, number } = await noticeOf(event);
    const form = await event.request.formData();
    const objectionId = textOf(form, 'objectionId', 20);
    const parsed = v.safeParse(DecideForm, Object.fromEntries(form));
    if (!parsed.success) {
      // Typed as every refusal's errors are, so the page reads either field from any of them.
      const errors: Partial<Record<ObjectionDecisionField, string>> = { note: m.objection_error_note() };
      return fail(400, {
        action: 'decide' as const,
        objectionId,
        errors,
        values: {
          note: textOf(form, 'note', notices.OBJECTION_NOTE_MAX),
          publicReason: textOf(form, 'publicReason', notices.OBJECTION_PUBLIC_REASON_MAX)
        }
      });
    }
    const result = await notices.decideObjection(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      ...parsed.output,
      now: new Date(),
      ip: clientAddress(event)
    });
    // An upheld objection takes the application off notice, so its page is no longer public.
    if (result.ok && result.applicationStatus === 'in_review') {
      redirect(303, `/funds/${fund.slug}/review/${String(number)}`);
    }
    if (result.ok) return { action: 'decide' as const, decided: true };
    const { field, message } = refusalMessage(OBJECTION_DECISION_REFUSALS, result.code, OBJECTION_DECISION_REFUSED);
    const errors: Partial<Record<ObjectionDecisionField, string>> = { [field]: message };
    return fail(failureStatusOf(result.code), {
      action: 'decide' as const,
      objectionId,
      errors,
      values: { note: parsed.output.note, publicReason: parsed.output.publicReason }
    });
  }
};
