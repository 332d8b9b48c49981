import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { householdRefusals, REGISTER_REFUSED } from '$lib/server/fund/register-refusals';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import * as registers from '$lib/server/fund/registers';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { regimportAction } from './regimport.server';
import { representativesAction } from './representatives.server';
import { representativeIdsOf } from '$lib/server/fund/representatives';

/**
 * The households of one compound: personal data for the fund office, the leadership group, the
 * supervisor and that compound's committee, never for a public page. The committee and the fund
 * administrator add and edit; the others read.
 */

async function compoundFrom(event: Pick<RequestEvent, 'params'>) {
  const fund = await fundFromSlug(event.params.slug);
  const compoundId = event.params.id;
  if (!DIGITS_ID.test(compoundId)) error(404, { message: m.error_not_found() });
  return { fund, compoundId };
}

export const load: PageServerLoad = async (event) => {
  const { fund, compoundId } = await compoundFrom(event);
  authorize(event, 'compound.read', { fundId: fund.id, compoundId });
  const found = await registers.compoundHouseholds(sql(), { fundId: fund.id, compoundId });
  if (found === null) error(404, { message: m.error_not_found() });
  const actor = event.locals.actor;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    compound: found.compound,
    households: found.households,
    canManage: can(actor, 'compound.households.manage', { fundId: fund.id, compoundId }).allowed,
    canReadRegisters: can(actor, 'fund.office.read', { fundId: fund.id }).allowed,
    representatives: await representativeIdsOf(sql(), { fundId: fund.id, compoundId })
  };
};

const Part = v.pipe(v.string(), v.trim(), v.regex(/^[0-9A-Za-z\u4e00-\u9fff]{1,20}$/));
const HouseholdForm = v.object({
  householdId: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.regex(DIGITS_ID))]), ''),
  building: Part,
  unitNo: v.optional(v.union([v.literal(''), Part]), ''),
  room: Part,
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40)), '')
});
const PasteForm = v.object({ lines: v.pipe(v.string(), v.maxLength(40_000)) });

const fieldMessages: Record<string, () => string> = {
  building: () => m.registers_error_part(),
  unitNo: () => m.registers_error_unit_part(),
  room: () => m.registers_error_part(),
  name: () => m.registers_error_household_name(),
  householdId: () => m.registers_error_not_found()
};

async function commandFor(event: RequestEvent) {
  const { fund, compoundId } = await compoundFrom(event);
  authorize(event, 'compound.households.manage', { fundId: fund.id, compoundId });
  return { actor: event.locals.actor, fundId: fund.id, compoundId, now: new Date(), ip: clientAddress(event) };
}

function valuesOf(form: Record<string, FormDataEntryValue>, keys: readonly string[], max = 100) {
  const values: Record<string, string> = {};
  for (const key of keys) {
    const value = form[key];
    values[key] = typeof value === 'string' ? value.slice(0, max) : '';
  }
  return values;
}

type Failure = Exclude<registers.HouseholdsResult | registers.HouseholdResult, { ok: true }>;

function refused(action: 'add' | 'edit' | 'paste', result: Failure, values: Record<string, string>, line?: number) {
  const id = values['householdId'] ?? '';
  const table = householdRefusals(action === 'paste' ? (line ?? 1) : null);
  const { field, message } = refusalMessage(table, result.code, REGISTER_REFUSED);
  const status = failureStatusOf(result.code);
  if (field === 'form') return fail(status, { action, id, code: result.code, message, values });
  return fail(status, { action, id, code: result.code, errors: { [field]: message }, values });
}

async function saveOne(event: RequestEvent, action: 'add' | 'edit') {
  const command = await commandFor(event);
  const form = Object.fromEntries(await event.request.formData());
  const values = valuesOf(form, ['householdId', 'building', 'unitNo', 'room', 'name']);
  const parsed = v.safeParse(HouseholdForm, form);
  const missingId = parsed.success && action === 'edit' && parsed.output.householdId === '';
  if (!parsed.success || missingId) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.success ? [] : parsed.issues) {
      const key = String(issue.path?.[0]?.key ?? 'building');
      if (!(key in errors)) errors[key] = (fieldMessages[key] ?? fieldMessages['building'])?.() ?? '';
    }
    if (missingId) errors['householdId'] = m.registers_error_not_found();
    return fail(400, { action, id: values['householdId'] ?? '', code: 'invalid_input' as const, errors, values });
  }
  const { householdId, ...household } = parsed.output;
  if (action === 'add') {
    const result = await registers.addHouseholds(sql(), { ...command, households: [household] });
    if (!result.ok) return refused(action, result, values);
    return { action, id: '', done: m.registers_household_added() };
  }
  const result = await registers.updateHousehold(sql(), { ...command, householdId, household });
  if (!result.ok) return refused(action, result, values);
  return { action, id: householdId, done: m.registers_household_saved() };
}

export const actions: Actions = {
  add: (event) => saveOne(event, 'add'),
  edit: (event) => saveOne(event, 'edit'),
  regimport: regimportAction,
  representatives: representativesAction,
  paste: async (event) => {
    const command = await commandFor(event);
    const form = Object.fromEntries(await event.request.formData());
    const values = valuesOf(form, ['lines'], 40_000);
    const parsed = v.safeParse(PasteForm, form);
    const lines = registers.parseHouseholdLines(parsed.success ? parsed.output.lines : '');
    if (!parsed.success || !lines.ok || lines.households.length === 0) {
      const message = !parsed.success
        ? m.registers_error_too_many_lines()
        : !lines.ok
          ? lines.code === 'too_many_lines'
            ? m.registers_error_too_many_lines()
            : lines.code === 'line_is_repeated'
              ? m.registers_error_line_repeated({ line: String(lines.line) })
              : m.registers_error_line({ line: String(lines.line) })
          : m.registers_error_paste_empty();
      return fail(400, {
        action: 'paste' as const,
        id: '',
        code: 'invalid_input' as const,
        errors: { lines: message },
        values
      });
    }
    const result = await registers.addHouseholds(sql(), { ...command, households: lines.households });
    if (!result.ok) {
      const line = result.code === 'household_exists' ? lines.lineNumbers[result.index] : undefined;
      return refused('paste', result, values, line);
    }
    return { action: 'paste' as const, id: '', done: m.registers_paste_added({ count: String(result.added) }) };
  }
};
