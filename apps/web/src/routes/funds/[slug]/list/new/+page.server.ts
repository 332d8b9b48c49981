import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { LIST_DELIVERIES } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { orderOptions, placeOrder } from '$lib/server/grants/project-list';
import { LIST_REFUSALS, LIST_REFUSED } from '$lib/server/grants/project-list/refusals';
import { DIGITS_ID, fundFromSlug } from '../../../fund.server';
import type { Actions, PageServerLoad } from './$types';

/** Placing an order on the project list: the fund administrator only (list.manage). */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'list.manage', { fundId: fund.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    options: await orderOptions(sql(), fund.id),
    createKey: randomUUID()
  };
};

const Id = v.pipe(v.string(), v.regex(DIGITS_ID));

const OrderForm = v.object({
  createKey: v.pipe(v.string(), v.uuid()),
  compoundId: Id,
  title: v.pipe(v.string(), v.maxLength(200)),
  unitId: Id,
  followUpUserId: Id,
  delivery: v.picklist(LIST_DELIVERIES),
  note: v.optional(v.pipe(v.string(), v.maxLength(2000)), '')
});

const Ids = v.pipe(v.array(Id), v.maxLength(50));

/** What was typed, sent back with a refusal so that the form keeps it. */
function valuesOf(form: FormData) {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, 1000) : '';
  };
  const ids = (key: string) =>
    form
      .getAll(key)
      .filter((value): value is string => typeof value === 'string')
      .slice(0, 50);
  return {
    createKey: text('createKey'),
    compoundId: text('compoundId'),
    title: text('title'),
    unitId: text('unitId'),
    followUpUserId: text('followUpUserId'),
    delivery: text('delivery'),
    note: text('note'),
    needIds: ids('needIds'),
    resourceIds: ids('resourceIds')
  };
}

export const actions: Actions = {
  default: async (event) => {
    const fund = await fundFromSlug(event.params.slug);
    authorize(event, 'list.manage', { fundId: fund.id });
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(OrderForm, values);
    const needIds = v.safeParse(Ids, values.needIds);
    const resourceIds = v.safeParse(Ids, values.resourceIds);
    if (!parsed.success || !needIds.success || !resourceIds.success) {
      return fail(400, { errors: { form: m.plist_error_invalid() } as Record<string, string>, values });
    }
    const result = await placeOrder(sql(), {
      ...parsed.output,
      actor: event.locals.actor,
      fundId: fund.id,
      now: new Date(),
      ip: clientAddress(event),
      needIds: needIds.output,
      resourceIds: resourceIds.output
    });
    if (!result.ok) {
      const refusal = refusalMessage(LIST_REFUSALS, result.code, LIST_REFUSED);
      const status = result.code === 'not_allowed' ? 403 : failureStatusOf(result.code);
      return fail(status, { errors: { [refusal.field]: refusal.message } as Record<string, string>, values });
    }
    redirect(303, `/funds/${fund.slug}/list/${result.number}?placed=1`);
  }
};
