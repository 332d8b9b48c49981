import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicReads, publicSiteOf } from '$lib/server/public/reads';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { evaluateItem, itemDetail, itemNumberOf } from '$lib/server/grants/project-list';
import { LIST_REFUSALS, LIST_REFUSED } from '$lib/server/grants/project-list/refusals';
import type { Actions, PageServerLoad } from './$types';

/**
 * One public item of the project list: the needs it serves, the resources it uses, who is
 * responsible (the unit by name, the follow-up officer by role only), its timeline, the feedback,
 * the photos checked for personal data, the residents' ratings and, once a direct item is
 * delivered, the form to rate it with a household code (a plain POST: public pages ship no JS).
 */

async function paramsOf(
  event: Pick<RequestEvent, 'locals' | 'url' | 'request'> & { params: { slug: string; number: string } }
) {
  authorize(event, 'public.read', null);
  // The fund as this request's other public reads see it (see public/reads.ts).
  const site = (await publicSiteOf(event, event.params.slug))?.site ?? null;
  const number = itemNumberOf(event.params.number);
  if (site === null || number === null) error(404, { message: m.error_not_found() });
  return { fund: site.fund, number };
}

export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await paramsOf(event);
  const item = await itemDetail(reads, { fundId: fund.id, number, audience: 'public' });
  if (item === null) error(404, { message: m.error_not_found() });
  // The office's private note stays in the office.
  return { item: { ...item, note: '' } };
};

const text = (form: FormData, key: string, max: number) => {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, max) : '';
};

export const actions: Actions = {
  evaluate: async (event) => {
    const { fund, number } = await paramsOf(event);
    const form = await event.request.formData();
    const values = { rating: text(form, 'rating', 40), comment: text(form, 'comment', 600) };
    const result = await evaluateItem(sql(), {
      fundId: fund.id,
      number,
      code: text(form, 'code', 40),
      rating: values.rating,
      comment: values.comment,
      ip: clientAddress(event),
      now: new Date()
    });
    if (result.ok) return { evaluated: true as const };
    const refusal = refusalMessage(LIST_REFUSALS, result.code, LIST_REFUSED);
    const status = result.code === 'code_is_throttled' ? 429 : result.code === 'household_has_evaluated' ? 409 : 400;
    return fail(status, { errors: { [refusal.field]: refusal.message } as Record<string, string>, values });
  }
};
