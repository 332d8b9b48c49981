import * as v from 'valibot';
import { formatRetry } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { Sql } from '../db/client';
import * as notices from './notices';

/*
 * The objection form (异议) as a page posts it: the notice page and the public project page take
 * the same three fields, check them the same way and answer with the same messages, so both call
 * this. The route still authorizes first (objection.file) and maps the outcome to fail().
 */

const ObjectionForm = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(notices.OBJECTION_NAME_MAX)),
  contact: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(notices.OBJECTION_CONTACT_MAX)),
  body: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(notices.OBJECTION_BODY_MAX))
});

export type ObjectionField = 'name' | 'contact' | 'body' | 'form';

/** A type alias, not an interface, so that pages can read it as a record of strings. */
export type ObjectionValues = {
  name: string;
  contact: string;
  body: string;
};

export type ObjectionFormOutcome =
  | { ok: true }
  | {
      ok: false;
      status: 400 | 409 | 429;
      errors: Partial<Record<ObjectionField, string>>;
      /** What was typed, cut to the fields' limits, to fill the form again. */
      values: ObjectionValues;
    };

const fieldMessages: Record<Exclude<ObjectionField, 'form'>, () => string> = {
  name: () => m.objection_error_name(),
  contact: () => m.objection_error_contact(),
  body: () => m.objection_error_body()
};

function textOf(form: FormData, key: string, max: number): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** Checks the posted form and files the objection; the outcome says what the page shows. */
export async function fileObjectionFromForm(
  sql: Sql,
  input: { fundId: string; number: number; form: FormData; now: Date; ip: string | null }
): Promise<ObjectionFormOutcome> {
  const { form } = input;
  const values: ObjectionValues = {
    name: textOf(form, 'name', notices.OBJECTION_NAME_MAX),
    contact: textOf(form, 'contact', notices.OBJECTION_CONTACT_MAX),
    body: textOf(form, 'body', notices.OBJECTION_BODY_MAX)
  };
  const parsed = v.safeParse(ObjectionForm, Object.fromEntries(form));
  if (!parsed.success) {
    const errors: Partial<Record<ObjectionField, string>> = {};
    for (const issue of parsed.issues) {
      const key = issue.path?.[0]?.key;
      if (key === 'name' || key === 'contact' || key === 'body') errors[key] = fieldMessages[key]();
    }
    if (Object.keys(errors).length === 0) errors.form = m.review_error_invalid();
    return { ok: false, status: 400, errors, values };
  }
  const result = await notices.fileObjection(sql, {
    fundId: input.fundId,
    number: input.number,
    ...parsed.output,
    now: input.now,
    ip: input.ip
  });
  if (result.ok) return { ok: true };
  if (result.code === 'objection_is_throttled') {
    return { ok: false, status: 429, errors: { form: throttledMessage(result.retryAt, input.now) }, values };
  }
  const errors: Partial<Record<ObjectionField, string>> = {};
  if (result.field !== undefined) errors[result.field] = fieldMessages[result.field]();
  else if (result.code === 'too_many_open_objections') errors.form = m.objection_error_too_many();
  else errors.form = m.objection_error_closed();
  return { ok: false, status: result.code === 'too_many_open_objections' ? 429 : 409, errors, values };
}

/** When the objector may try again, rounded up: the clock time, and minutes or (past 90) hours. */
function throttledMessage(retryAt: Date, now: Date): string {
  const { time, minutes } = formatRetry(retryAt, now, getLocale());
  const wait =
    minutes > 90
      ? m.objection_throttled_wait_hours({ count: String(Math.ceil(minutes / 60)) })
      : m.objection_throttled_wait_minutes({ count: String(minutes) });
  return m.objection_throttled_error({ time, wait });
}
