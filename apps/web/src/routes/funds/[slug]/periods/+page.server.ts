import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { CREATE_KEY_LENGTH_MAX, closeMonth, closeYear, periodsView } from '$lib/server/fund/period-close';
import { PERIOD_CLOSE_REFUSALS, PERIOD_CLOSE_REFUSED, type PeriodField } from '$lib/server/fund/period-close-refusals';
import { fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The period close (结账): the fund's months with their state and their closing vouchers, for the
 * office and the supervisor; for the fund administrator the forms that close the next month and
 * mark a year closed. A close cannot be undone, and the form says so before it is sent.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  const view = await periodsView(sql(), fund.id, new Date());
  const closed = event.url.searchParams.get('closed');
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...view,
    closedNow: closed !== null && /^\d{4}(-\d{2})?$/.test(closed) ? closed : null,
    canClose: can(event.locals.actor, 'books.close_period', { fundId: fund.id }).allowed,
    createKey: randomUUID()
  };
};

const Key = v.pipe(v.string(), v.minLength(1), v.maxLength(CREATE_KEY_LENGTH_MAX), v.regex(/^[0-9A-Za-z-]+$/));
const Confirm = v.literal('on');

const MonthForm = v.object({
  createKey: Key,
  month: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}$/)),
  confirm: Confirm
});

const YearForm = v.object({
  createKey: Key,
  year: v.pipe(v.string(), v.regex(/^\d{4}$/)),
  confirm: Confirm
});

const fieldMessages: Record<PeriodField, () => string> = {
  month: () => m.period_error_month(),
  confirm: () => m.period_error_confirm(),
  form: () => m.period_error_invalid()
};

function issuesToErrors(issues: readonly v.BaseIssue<unknown>[]): Partial<Record<PeriodField, string>> {
  const errors: Partial<Record<PeriodField, string>> = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field: PeriodField = key === 'month' || key === 'confirm' ? key : 'form';
    errors[field] ??= fieldMessages[field]();
  }
  return errors;
}

function refused(action: 'month' | 'year', status: number, errors: Partial<Record<PeriodField, string>>) {
  return fail(status, { action, code: 'invalid_input' as const, errors });
}

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.close_period', { fundId: fund.id });
  return { fund, actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}

export const actions: Actions = {
  month: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(MonthForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return refused('month', 400, issuesToErrors(parsed.issues));
    const result = await closeMonth(sql(), {
      ...command,
      month: parsed.output.month,
      createKey: parsed.output.createKey
    });
    if (!result.ok) {
      const refusal = refusalMessage(PERIOD_CLOSE_REFUSALS, result.code, PERIOD_CLOSE_REFUSED);
      return refused('month', failureStatusOf(result.code), { [refusal.field]: refusal.message });
    }
    redirect(303, `/funds/${command.fund.slug}/periods?closed=${result.month}`);
  },

  year: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(YearForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return refused('year', 400, issuesToErrors(parsed.issues));
    const result = await closeYear(sql(), {
      ...command,
      year: Number(parsed.output.year),
      createKey: parsed.output.createKey
    });
    if (!result.ok) {
      const refusal = refusalMessage(PERIOD_CLOSE_REFUSALS, result.code, PERIOD_CLOSE_REFUSED);
      return refused('year', failureStatusOf(result.code), { [refusal.field]: refusal.message });
    }
    redirect(303, `/funds/${command.fund.slug}/periods?closed=${result.year}`);
  }
};
