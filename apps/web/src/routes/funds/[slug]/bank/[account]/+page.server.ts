import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { allows, authorize } from '$lib/server/access/guard';
import { BANK_REFUSALS, BANK_REFUSED } from '$lib/server/fund/bank/bank-refusals';
import { actOnLine, EXPLANATION_LENGTH_MAX, matchAgain, type LineAction } from '$lib/server/fund/bank/matching';
import { bankLinesOf, OPEN_LINES } from '$lib/server/fund/bank/reads';
import { DIGITS_ID, fundFromSlug } from '../../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * One bank account's statement, a month at a time: each line with its match (automatic or by
 * hand) or its explanation; for the fund administrator, the forms that match a line by hand,
 * explain it, undo either, or run the automatic matcher again.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  if (!DIGITS_ID.test(event.params.account)) error(404, { message: m.error_not_found() });
  const monthParam = event.url.searchParams.get('month');
  const view = await bankLinesOf(sql(), {
    fundId: fund.id,
    bankAccountId: event.params.account,
    month: monthParam !== null && (MONTH.test(monthParam) || monthParam === OPEN_LINES) ? monthParam : null
  });
  if (view === null) error(404, { message: m.error_not_found() });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...view,
    canReconcile: allows(event, 'bank.reconcile', { fundId: fund.id }),
    matched: event.url.searchParams.get('matched')
  };
};

const LineForm = v.object({
  lineId: v.pipe(v.string(), v.regex(DIGITS_ID)),
  posting: v.optional(v.pipe(v.string(), v.maxLength(40)), ''),
  note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(EXPLANATION_LENGTH_MAX)), ''),
  month: v.optional(v.union([v.pipe(v.string(), v.regex(MONTH)), v.literal(OPEN_LINES)]))
});

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'bank.reconcile', { fundId: fund.id });
  if (!DIGITS_ID.test(event.params.account ?? '')) error(404, { message: m.error_not_found() });
  return {
    fund,
    actor: event.locals.actor,
    fundId: fund.id,
    bankAccountId: event.params.account ?? '',
    now: new Date()
  };
}

/** One action on one line; a refusal comes back on the line it was about. */
async function onLine(event: RequestEvent, kind: LineAction['kind']) {
  const command = await commandFor(event);
  const parsed = v.safeParse(LineForm, Object.fromEntries(await event.request.formData()));
  if (!parsed.success) {
    return fail(400, {
      lineId: null,
      errors: { form: kind === 'explain' ? m.bank_error_note() : m.bank_error_refused() }
    });
  }
  const { lineId, posting, note, month } = parsed.output;
  const action: LineAction = kind === 'match' ? { kind, posting } : kind === 'explain' ? { kind, note } : { kind };
  const result = await actOnLine(sql(), { ...command, lineId, ...action });
  if (!result.ok) {
    const refusal = refusalMessage(BANK_REFUSALS, result.code, BANK_REFUSED);
    return fail(failureStatusOf(result.code), { lineId, errors: { [refusal.field]: refusal.message } });
  }
  const query = month === undefined ? '' : `?month=${month}`;
  redirect(303, `/funds/${command.fund.slug}/bank/${command.bankAccountId}${query}#line-${lineId}`);
}

export const actions: Actions = {
  match: (event) => onLine(event, 'match'),
  unmatch: (event) => onLine(event, 'unmatch'),
  explain: (event) => onLine(event, 'explain'),
  unexplain: (event) => onLine(event, 'unexplain'),
  rematch: async (event) => {
    const command = await commandFor(event);
    const result = await matchAgain(sql(), command);
    if (!result.ok) {
      const refusal = refusalMessage(BANK_REFUSALS, result.code, BANK_REFUSED);
      return fail(failureStatusOf(result.code), { lineId: null, errors: { form: refusal.message } });
    }
    redirect(303, `/funds/${command.fund.slug}/bank/${command.bankAccountId}?matched=${result.matched}`);
  }
};
