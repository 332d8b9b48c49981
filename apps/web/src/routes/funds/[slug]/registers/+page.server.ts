import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { REGISTER_REFUSALS, REGISTER_REFUSED } from '$lib/server/fund/register-refusals';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import * as registers from '$lib/server/fund/registers';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The registers of units and compounds. The office, the leadership group and the supervisor read
 * them; only the fund administrator adds and edits. The fund always comes from the URL and the
 * row id is checked against it in the use case.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const [units, compounds] = await Promise.all([
    registers.listUnits(sql(), fund.id),
    registers.listCompounds(sql(), fund.id)
  ]);
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    units,
    compounds,
    canManage: can(event.locals.actor, 'fund.office.manage', { fundId: fund.id }).allowed,
    canReadBooks: can(event.locals.actor, 'books.read', { fundId: fund.id }).allowed
  };
};

const Text = (max: number, min = 0) => v.pipe(v.string(), v.trim(), v.minLength(min), v.maxLength(max));
const Code = v.pipe(v.string(), v.trim(), v.regex(registers.REGISTER_CODE));
const OptionalId = v.optional(v.union([v.literal(''), v.pipe(v.string(), v.regex(DIGITS_ID))]), '');

const UnitForm = v.object({
  id: OptionalId,
  code: Code,
  name: Text(60, 1),
  hasSeat: v.optional(v.literal('on')),
  contact: v.optional(Text(60), '')
});

const CompoundForm = v.object({
  id: OptionalId,
  code: Code,
  name: Text(60, 1),
  householdsCount: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[0-9]{1,6}$/),
    v.toNumber(),
    v.integer(),
    v.minValue(0),
    v.maxValue(100000)
  ),
  committeeType: v.picklist(registers.COMMITTEE_TYPES)
});

const fieldMessages: Record<string, () => string> = {
  code: () => m.registers_error_code(),
  name: () => m.registers_error_name(),
  contact: () => m.registers_error_contact(),
  householdsCount: () => m.registers_error_households_count(),
  committeeType: () => m.registers_error_committee_type(),
  id: () => m.registers_error_not_found()
};

type ActionName = 'addUnit' | 'editUnit' | 'addCompound' | 'editCompound';

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.manage', { fundId: fund.id });
  return { actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}

/** What was typed, for filling the refused form in again. */
function valuesOf(form: Record<string, FormDataEntryValue>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of ['id', 'code', 'name', 'hasSeat', 'contact', 'householdsCount', 'committeeType']) {
    const value = form[key];
    values[key] = typeof value === 'string' ? value.slice(0, 100) : '';
  }
  return values;
}

function invalid(action: ActionName, issues: readonly v.BaseIssue<unknown>[], values: Record<string, string>) {
  // No issue at all means the row to edit was not named.
  const errors: Record<string, string> = issues.length === 0 ? { id: m.registers_error_not_found() } : {};
  for (const issue of issues) {
    const key = String(issue.path?.[0]?.key ?? 'name');
    if (!(key in errors)) errors[key] = (fieldMessages[key] ?? fieldMessages['name'])?.() ?? '';
  }
  return fail(400, { action, id: values['id'] ?? '', code: 'invalid_input' as const, errors, values });
}

type Failure = Exclude<registers.UnitResult | registers.CompoundResult, { ok: true }>;

function refused(action: ActionName, result: Failure, values: Record<string, string>) {
  const id = values['id'] ?? '';
  const { field, message } = refusalMessage(REGISTER_REFUSALS, result.code, REGISTER_REFUSED);
  const status = failureStatusOf(result.code);
  if (field === 'form') return fail(status, { action, id, code: result.code, message, values });
  return fail(status, { action, id, code: result.code, errors: { [field]: message }, values });
}

async function saveUnit(event: RequestEvent, action: 'addUnit' | 'editUnit') {
  const command = await commandFor(event);
  const form = Object.fromEntries(await event.request.formData());
  const values = valuesOf(form);
  const parsed = v.safeParse(UnitForm, form);
  if (!parsed.success) return invalid(action, parsed.issues, values);
  const unit = {
    code: parsed.output.code,
    name: parsed.output.name,
    hasSeat: parsed.output.hasSeat === 'on',
    contact: parsed.output.contact
  };
  const id = parsed.output.id;
  if (action === 'editUnit' && id === '') return invalid(action, [], { ...values, id: '' });
  const result =
    action === 'addUnit'
      ? await registers.addUnit(sql(), { ...command, unit })
      : await registers.updateUnit(sql(), { ...command, unitId: id, unit });
  if (!result.ok) return refused(action, result, values);
  return {
    action,
    id: result.unitId,
    done: action === 'addUnit' ? m.registers_unit_added() : m.registers_unit_saved()
  };
}

async function saveCompound(event: RequestEvent, action: 'addCompound' | 'editCompound') {
  const command = await commandFor(event);
  const form = Object.fromEntries(await event.request.formData());
  const values = valuesOf(form);
  const parsed = v.safeParse(CompoundForm, form);
  if (!parsed.success) return invalid(action, parsed.issues, values);
  const { id, ...compound } = parsed.output;
  if (action === 'editCompound' && id === '') return invalid(action, [], { ...values, id: '' });
  const result =
    action === 'addCompound'
      ? await registers.addCompound(sql(), { ...command, compound })
      : await registers.updateCompound(sql(), { ...command, compoundId: id, compound });
  if (!result.ok) return refused(action, result, values);
  return {
    action,
    id: result.compoundId,
    done: action === 'addCompound' ? m.registers_compound_added() : m.registers_compound_saved()
  };
}

export const actions: Actions = {
  addUnit: (event) => saveUnit(event, 'addUnit'),
  editUnit: (event) => saveUnit(event, 'editUnit'),
  addCompound: (event) => saveCompound(event, 'addCompound'),
  editCompound: (event) => saveCompound(event, 'editCompound')
};
