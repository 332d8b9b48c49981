import { chinaDateOf } from '@gongjian/ledger';
import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicReads } from '$lib/server/public/reads';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { publicNotice } from '$lib/server/grants/notices';
import { fileObjectionFromForm } from '$lib/server/grants/objection-form';
import { publicProject } from '$lib/server/public/projects';
import { publicProjectParams } from './project.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One public project (/f/<slug>/projects/<n>): its timeline, budget and match with the working,
 * self-raising, payouts, expenses with the receipts that were checked for personal data, the
 * acceptance, the residents' evaluation and the close; during the notice period the notice and an
 * objection form, which works as a plain POST (public pages ship no JavaScript).
 */
export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await publicProjectParams(event);
  const project = await publicProject(reads, fund.id, number, new Date());
  if (project === null) error(404, { message: m.error_not_found() });
  return { project };
};

export const actions: Actions = {
  object: async (event) => {
    const { fund, number } = await publicProjectParams(event);
    const now = new Date();
    const notice = await publicNotice(sql(), { fundId: fund.id, number, today: chinaDateOf(now) });
    if (notice === null) error(404, { message: m.error_not_found() });
    authorize(event, 'objection.file', { fundId: fund.id, noticeOpen: notice.open });
    const outcome = await fileObjectionFromForm(sql(), {
      fundId: fund.id,
      number,
      form: await event.request.formData(),
      now,
      ip: clientAddress(event)
    });
    if (outcome.ok) return { filed: true as const };
    return fail(outcome.status, { errors: outcome.errors, values: outcome.values });
  }
};
