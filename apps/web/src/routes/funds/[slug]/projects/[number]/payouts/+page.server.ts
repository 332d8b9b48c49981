import { error, fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { money } from '@gongjian/ledger';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorizeCommand, clientAddress } from '$lib/server/access/guard';
import * as payouts from '$lib/server/projects/payouts';
import { payoutRefusalOf, type PayoutField } from '$lib/server/projects/payout-refusals';
import { can } from '$lib/server/access/policy';
import { projectPage, projectSummary } from '../pay.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { failureStatusOf, fieldErrorsOf } from '$lib/server/platform/form-errors';

/**
 * The payouts of one project's match: what may be paid out now and why it is not more, the
 * tranches paid and waiting, the request form for the fund administrator, and the second
 * approver's buttons (four eyes). Everyone who may read the project sees the figures.
 */

export const load: PageServerLoad = async (event) => {
  const page = await projectPage(event);
  const overview = await payouts.payoutsOverview(sql(), page.fund.id, page.project);
  const actor = event.locals.actor;
  const userId = actor.kind === 'user' ? actor.userId : null;
  const paid = event.url.searchParams.get('paid');
  return {
    ...projectSummary(page, event.locals),
    overview,
    userId,
    canRequest: can(actor, 'project.payout.request', page.ref).allowed,
    // With nothing releasable the form would only be refused; the page says why instead.
    somethingReleasable: money(overview.releasable).isPositive(),
    canApprove: can(actor, 'project.payout.approve', page.ref).allowed,
    canRecordExpense: can(actor, 'project.expense', page.ref).allowed,
    key: randomUUID(),
    done: doneOf(event.url),
    paidPayout: paid !== null && /^[1-9][0-9]{0,17}$/.test(paid) ? paid : null
  };
};

/** What the redirect after a post says happened. */
function doneOf(url: URL): 'paid' | 'waiting' | 'cancelled' | null {
  const done = url.searchParams.get('done');
  return done === 'paid' || done === 'waiting' || done === 'cancelled' ? done : null;
}

const RequestForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  amount: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  payeeKind: v.picklist(payouts.PAYEE_KINDS),
  payeeName: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(payouts.PAYEE_NAME_LENGTH_MAX)), ''),
  memo: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(payouts.PAYOUT_MEMO_LENGTH_MAX)), '')
});

const PayoutForm = v.object({ payoutId: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/)) });

type Field = PayoutField;

const fieldMessages: Record<Field, () => string> = {
  amount: () => m.payout_error_amount(),
  payeeKind: () => m.payout_error_payee_kind(),
  payeeName: () => m.payout_error_payee_name(),
  memo: () => m.payout_error_memo(),
  form: () => m.payout_error_invalid()
};

function valuesOf(form: FormData) {
  const text = (key: string, max: number) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, max) : '';
  };
  return {
    amount: text('amount', 20),
    payeeKind: text('payeeKind', 20),
    payeeName: text('payeeName', payouts.PAYEE_NAME_LENGTH_MAX),
    memo: text('memo', payouts.PAYOUT_MEMO_LENGTH_MAX)
  };
}

async function commandOf(event: RequestEvent) {
  const page = await projectPage(event);
  return {
    page,
    command: {
      actor: event.locals.actor,
      fundId: page.fund.id,
      number: page.project.number,
      now: new Date(),
      ip: clientAddress(event)
    }
  };
}

function pagePath(event: RequestEvent): string {
  return `/funds/${event.params.slug}/projects/${event.params.number}/payouts`;
}

export const actions: Actions = {
  request: async (event) => {
    const { page, command } = await commandOf(event);
    authorizeCommand(event, 'project.payout.request', page.ref);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(RequestForm, Object.fromEntries(form));
    if (!parsed.success) {
      return fail(400, { action: 'request' as const, errors: fieldErrorsOf(parsed.issues, fieldMessages), values });
    }
    const result = await payouts.requestPayout(sql(), { ...command, ...parsed.output });
    if (!result.ok) {
      const refusal = payoutRefusalOf(result, event.locals.locale);
      return fail(failureStatusOf(result.code), {
        action: 'request' as const,
        errors: { [refusal.field]: refusal.message },
        values
      });
    }
    redirect(303, `${pagePath(event)}?done=${result.status}&paid=${result.payoutId}`);
  },

  approve: async (event) => {
    const { page, command } = await commandOf(event);
    authorizeCommand(event, 'project.payout.approve', page.ref);
    const parsed = v.safeParse(PayoutForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) {
      return fail(400, { action: 'approve' as const, payoutId: '', errors: { form: m.payout_error_invalid() } });
    }
    const result = await payouts.approvePayout(sql(), { ...command, payoutId: parsed.output.payoutId });
    if (!result.ok) {
      const refusal = payoutRefusalOf(result, event.locals.locale);
      return fail(failureStatusOf(result.code), {
        action: 'approve' as const,
        payoutId: parsed.output.payoutId,
        errors: { form: refusal.message }
      });
    }
    redirect(303, `${pagePath(event)}?done=paid&paid=${result.payoutId}`);
  },

  cancel: async (event) => {
    // Cancelling is the requester's or a fund administrator's: the use case asks, since only the
    // payout row says who requested it.
    const { command } = await commandOf(event);
    const parsed = v.safeParse(PayoutForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) {
      return fail(400, { action: 'cancel' as const, payoutId: '', errors: { form: m.payout_error_invalid() } });
    }
    const result = await payouts.cancelPayout(sql(), { ...command, payoutId: parsed.output.payoutId });
    if (!result.ok) {
      if (result.code === 'project_not_found') error(404, { message: m.error_not_found() });
      const refusal = payoutRefusalOf(result, event.locals.locale);
      return fail(failureStatusOf(result.code), {
        action: 'cancel' as const,
        payoutId: parsed.output.payoutId,
        errors: { form: refusal.message }
      });
    }
    redirect(303, `${pagePath(event)}?done=cancelled`);
  }
};
