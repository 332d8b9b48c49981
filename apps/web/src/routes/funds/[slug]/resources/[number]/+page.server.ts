import { chinaDateOf } from '@gongjian/ledger';
import { error, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { calendarDate, formText } from '$lib/server/platform/form-input';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { RESOURCE_ENDS, NOTE_LENGTH_MAX, endResource } from '$lib/server/fund/resources/commands';
import { recordContribution } from '$lib/server/fund/resources/contributions';
import { resourceDetail, resourceExists } from '$lib/server/fund/resources/reads';
import { DIGITS_ID, fundFromSlug } from '../../../fund.server';
import { commandFor, issuesToErrors, refusalOf, refused, valuesOf } from '../resources.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One offer on the resources list: what it is, what it has given, and for the fund administrator
 * the forms that record a contribution and end the offer (withdrawn, used up).
 */

function numberOf(text: string): number {
  if (!DIGITS_ID.test(text) || text.length > 9) error(404, { message: m.error_not_found() });
  return Number(text);
}

/** The offer's number for an action, after the office's right; 404 before the form is read. */
async function existingNumber(fundId: string, text: string): Promise<number> {
  const number = numberOf(text);
  if (!(await resourceExists(sql(), fundId, number))) error(404, { message: m.error_not_found() });
  return number;
}

const DONE = ['contribution', 'withdrawn', 'used_up'] as const;

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const detail = await resourceDetail(sql(), fund.id, numberOf(event.params.number));
  if (detail === null) error(404, { message: m.error_not_found() });
  const doneParam = event.url.searchParams.get('done');
  const done = DONE.find((candidate) => candidate === doneParam) ?? null;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...detail,
    canManage: can(event.locals.actor, 'resource.manage', { fundId: fund.id }).allowed,
    recorded: event.url.searchParams.get('recorded') === '1',
    done,
    createKey: randomUUID(),
    today: chinaDateOf(new Date())
  };
};

const Id = v.pipe(v.string(), v.regex(DIGITS_ID));

const ContributionForm = v.object({
  createKey: v.pipe(v.string(), v.uuid()),
  givenOn: calendarDate,
  quantity: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  value: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(20)), ''),
  note: formText(NOTE_LENGTH_MAX),
  listItemId: v.optional(v.union([v.literal(''), Id]), '')
});

const EndForm = v.object({ end: v.picklist(RESOURCE_ENDS) });

export const actions: Actions = {
  contribute: async (event) => {
    const command = await commandFor(event);
    const number = await existingNumber(command.fundId, event.params.number);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(ContributionForm, Object.fromEntries(form));
    if (!parsed.success) return refused('contribute', 400, issuesToErrors(parsed.issues), values);
    const input = parsed.output;
    const result = await recordContribution(sql(), {
      ...command,
      number,
      givenOn: input.givenOn,
      quantity: input.quantity,
      value: input.value,
      note: input.note,
      listItemId: input.listItemId === '' ? null : input.listItemId,
      createKey: input.createKey
    });
    if (!result.ok) return refusalOf('contribute', result.code, values);
    redirect(303, `/funds/${command.fund.slug}/resources/${number}?done=contribution`);
  },

  end: async (event) => {
    const command = await commandFor(event);
    const number = await existingNumber(command.fundId, event.params.number);
    const parsed = v.safeParse(EndForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return refused('end', 400, issuesToErrors(parsed.issues), null);
    const result = await endResource(sql(), { ...command, number, end: parsed.output.end });
    if (!result.ok) return refusalOf('end', result.code, null);
    redirect(303, `/funds/${command.fund.slug}/resources/${number}?done=${parsed.output.end}`);
  }
};
