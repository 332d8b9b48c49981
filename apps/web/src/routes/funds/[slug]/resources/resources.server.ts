import { fail, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { clientAddress, authorize } from '$lib/server/access/guard';
import { failureStatusOf, fieldErrorsOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { RESOURCE_REFUSALS, RESOURCE_REFUSED, type ResourceField } from '$lib/server/fund/resources/refusals';
import { fundFromSlug } from '../../fund.server';

/**
 * What the resources pages' actions share: the fund and the office's right from the request, the
 * fields a refused form keeps, and a refusal's field and sentence from the feature's table.
 */

export type Errors = Partial<Record<ResourceField, string>>;

const FIELD_MESSAGES: Record<ResourceField, () => string> = {
  unitId: () => m.res_error_unit(),
  providerName: () => m.res_error_provider(),
  kind: () => m.res_error_invalid(),
  description: () => m.res_error_description(),
  quantity: () => m.amount_error_positive(),
  measure: () => m.res_error_measure(),
  value: () => m.amount_error_positive(),
  availableFrom: () => m.res_error_period_dates(),
  availableUntil: () => m.res_error_period_dates(),
  conditions: () => m.res_error_conditions(),
  givenOn: () => m.res_error_period_dates(),
  note: () => m.res_error_note(),
  listItemId: () => m.res_error_list_item(),
  form: () => m.res_error_invalid()
};

export function issuesToErrors(issues: readonly v.BaseIssue<unknown>[]): Errors {
  return fieldErrorsOf(issues, FIELD_MESSAGES);
}

/** The typed text of a form, cut short, so that a refused form shows what was typed. */
export function valuesOf(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string' && key !== 'createKey') values[key] = value.slice(0, 500);
  }
  return values;
}

export function refused(action: string, status: number, errors: Errors, values: Record<string, string> | null) {
  return fail(status, { action, errors, values });
}

/** A use case's refusal, answered on its form. */
export function refusalOf(action: string, code: string, values: Record<string, string> | null) {
  if (code === 'not_allowed') return refused(action, 403, { form: m.res_error_not_allowed() }, values);
  const refusal = refusalMessage(RESOURCE_REFUSALS, code, RESOURCE_REFUSED);
  return refused(action, failureStatusOf(code), { [refusal.field]: refusal.message }, values);
}

export async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug ?? '');
  authorize(event, 'resource.manage', { fundId: fund.id });
  return { fund, actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}
