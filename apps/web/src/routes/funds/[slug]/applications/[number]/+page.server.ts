import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import * as applications from '$lib/server/grants/applications';
import { applicationRefusalText } from '$lib/server/grants/application-refusals';
import { sql } from '$lib/server/platform/database';
import { authorize, authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { applicationFrom, presentation, submitAction } from '../application.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One application as a whole: what it asks for, the match and how it was worked out, its
 * timeline and its submissions, and the actions the visitor may take (edit, submit, withdraw).
 */

export const load: PageServerLoad = async (event) => {
  const { fund, detail, ref } = await applicationFrom(event);
  authorize(event, 'application.read', ref);
  const actor = event.locals.actor;
  const shown = await presentation(fund.id, detail);
  const canEdit = can(actor, 'application.edit', ref).allowed;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    application: detail,
    ...shown,
    canEdit,
    canWithdraw: can(actor, 'application.withdraw', ref).allowed,
    submitted: event.url.searchParams.get('submitted') === '1',
    withdrawn: event.url.searchParams.get('withdrawn') === '1'
  };
};

const WithdrawForm = v.object({ confirm: v.literal('yes') });

export const actions: Actions = {
  submit: submitAction,
  withdraw: async (event) => {
    const { fund, detail, ref } = await applicationFrom(event);
    // Withdrawn already by this committee's first press: the use case answers that as a replay.
    authorizeCommand(event, 'application.withdraw', ref);
    const parsed = v.safeParse(WithdrawForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) {
      return fail(400, {
        action: 'withdraw' as const,
        code: 'confirm_required',
        message: applicationRefusalText('confirm_required'),
        missing: []
      });
    }
    const result = await applications.withdrawApplication(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number: detail.number,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (!result.ok) {
      return fail(result.code === 'not_allowed' ? 403 : 409, {
        action: 'withdraw' as const,
        code: result.code,
        message: applicationRefusalText(result.code),
        missing: []
      });
    }
    redirect(303, `/funds/${fund.slug}/applications/${detail.number}?withdrawn=1`);
  }
};
