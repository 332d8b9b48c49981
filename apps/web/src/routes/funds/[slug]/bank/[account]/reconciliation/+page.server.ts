import { chinaDateOf, isDate } from '@gongjian/ledger';
import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { allows, authorize } from '$lib/server/access/guard';
import { BANK_REFUSALS, BANK_REFUSED } from '$lib/server/fund/bank/bank-refusals';
import { markReconciled, reconciliationAsOf } from '$lib/server/fund/bank/reconciliation';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * The 银行存款余额调节表 of one bank account for a date (?date=, the statement's last day unless
 * given), printable on A4; for the fund administrator, the form that marks the period through that
 * date reconciled.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  if (!DIGITS_ID.test(event.params.account)) error(404, { message: m.error_not_found() });
  const asked = event.url.searchParams.get('date');
  const first = await reconciliationAsOf(sql(), {
    fundId: fund.id,
    bankAccountId: event.params.account,
    date: chinaDateOf(new Date())
  });
  if (first === null) error(404, { message: m.error_not_found() });
  const date = asked !== null && isDate(asked) ? asked : (first.lastLineDate ?? first.date);
  const view =
    date === first.date
      ? first
      : await reconciliationAsOf(sql(), { fundId: fund.id, bankAccountId: event.params.account, date });
  if (view === null) error(404, { message: m.error_not_found() });
  const figures = Object.fromEntries(Object.entries(view.figures).map(([key, value]) => [key, String(value)]));
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    account: view.account,
    date: view.date,
    dateError: asked !== null && !isDate(asked),
    figures,
    agrees: view.figures.agrees,
    bankOnly: view.bankOnly,
    bookOnly: view.bookOnly,
    linesUnresolved: view.linesUnresolved,
    canReconcile: allows(event, 'bank.reconcile', { fundId: fund.id }),
    reconciled: event.url.searchParams.get('reconciled') === '1'
  };
};

export const actions: Actions = {
  reconcile: async (event) => {
    const fund = await fundFromSlug(event.params.slug);
    authorize(event, 'bank.reconcile', { fundId: fund.id });
    if (!DIGITS_ID.test(event.params.account)) error(404, { message: m.error_not_found() });
    const form = await event.request.formData();
    const date = form.get('date');
    const result = await markReconciled(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      bankAccountId: event.params.account,
      date: typeof date === 'string' ? date.trim() : '',
      now: new Date()
    });
    if (!result.ok) {
      const refusal = refusalMessage(BANK_REFUSALS, result.code, BANK_REFUSED);
      return fail(failureStatusOf(result.code), { errors: { [refusal.field]: refusal.message } });
    }
    redirect(303, `/funds/${fund.slug}/bank/${event.params.account}/reconciliation?date=${String(date)}&reconciled=1`);
  }
};
