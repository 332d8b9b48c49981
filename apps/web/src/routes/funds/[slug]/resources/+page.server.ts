import { chinaDateOf, RESOURCE_KINDS } from '@gongjian/ledger';
import { redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { sql } from '$lib/server/platform/database';
import { calendarDate, formText } from '$lib/server/platform/form-input';
import { authorize } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import * as resources from '$lib/server/fund/resources/commands';
import { officeResources } from '$lib/server/fund/resources/reads';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import { commandFor, issuesToErrors, refusalOf, refused, valuesOf } from './resources.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * The resources list (资源清单) for the office, the leadership and the supervisor, and for the
 * fund administrator the form that records an offer: a co-building unit's, or anyone else's.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const list = await officeResources(sql(), fund.id);
  const recorded = event.url.searchParams.get('recorded');
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...list,
    canManage: can(event.locals.actor, 'resource.manage', { fundId: fund.id }).allowed,
    recorded: recorded !== null && DIGITS_ID.test(recorded) && recorded.length <= 9 ? Number(recorded) : null,
    createKey: randomUUID(),
    today: chinaDateOf(new Date())
  };
};

const Id = v.pipe(v.string(), v.regex(DIGITS_ID));

const OfferForm = v.object({
  createKey: v.pipe(v.string(), v.uuid()),
  unitId: v.optional(v.union([v.literal(''), Id]), ''),
  providerName: formText(resources.PROVIDER_LENGTH_MAX),
  providerKind: v.optional(v.picklist(['organisation', 'individual']), 'organisation'),
  kind: v.picklist(RESOURCE_KINDS),
  description: formText(resources.DESCRIPTION_LENGTH_MAX),
  quantity: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  measure: formText(resources.MEASURE_LENGTH_MAX),
  value: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(20)), ''),
  availableFrom: calendarDate,
  availableUntil: v.optional(v.union([v.literal(''), calendarDate]), ''),
  conditions: formText(resources.CONDITIONS_LENGTH_MAX)
});

export const actions: Actions = {
  record: async (event) => {
    const command = await commandFor(event);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(OfferForm, Object.fromEntries(form));
    if (!parsed.success) return refused('record', 400, issuesToErrors(parsed.issues), values);
    const input = parsed.output;
    const result = await resources.recordResource(sql(), {
      ...command,
      unitId: input.unitId === '' ? null : input.unitId,
      providerName: input.providerName,
      providerIsOrganisation: input.providerKind === 'organisation',
      kind: input.kind,
      description: input.description,
      quantity: input.quantity,
      measure: input.measure,
      value: input.value,
      availableFrom: input.availableFrom,
      availableUntil: input.availableUntil,
      conditions: input.conditions,
      createKey: input.createKey
    });
    if (!result.ok) return refusalOf('record', result.code, values);
    redirect(303, `/funds/${command.fund.slug}/resources/${result.number}?recorded=1`);
  }
};
