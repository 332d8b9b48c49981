import { chinaDateOf } from '@gongjian/ledger';
import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { readUpload, UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { calendarDate } from '$lib/server/platform/form-input';
import { authorize, clientAddress } from '$lib/server/access/guard';
import * as moneyIn from '$lib/server/fund/money-in';
import { MONEY_IN_REFUSALS, MONEY_IN_REFUSED, type MoneyInField } from '$lib/server/fund/money-in-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { can } from '$lib/server/access/policy';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Money in: the list of payments into the fund for the office, the leadership and the
 * supervisor, and for the fund administrator the forms that record a payment (a unit's, the
 * government's, a donation, interest) or a unit's pledge. `?source=` picks the one form shown,
 * which keeps the page short on a phone; `?before=` pages through older entries.
 */

const FORM_KINDS = [...moneyIn.MONEY_SOURCES, 'pledge'] as const;
type FormKind = (typeof FORM_KINDS)[number];

function formKindOf(url: URL): FormKind {
  const source = url.searchParams.get('source');
  return FORM_KINDS.find((kind) => kind === source) ?? 'unit';
}

function seqParam(url: URL, name: string): number | null {
  const text = url.searchParams.get(name);
  return text !== null && DIGITS_ID.test(text) && text.length <= 15 ? Number(text) : null;
}

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const before = seqParam(event.url, 'before');
  const overview = await moneyIn.moneyInOverview(sql(), { fundId: fund.id, before });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...overview,
    before,
    formKind: formKindOf(event.url),
    recorded: seqParam(event.url, 'recorded'),
    pledged: event.url.searchParams.get('pledged') === '1',
    // The leadership and the supervisor read the list; only the administrator sees the forms, and
    // each action asks the policy again anyway.
    canManage: can(event.locals.actor, 'fund.office.manage', { fundId: fund.id }).allowed,
    idempotencyKey: randomUUID(),
    today: chinaDateOf(new Date())
  };
};

const Id = v.pipe(v.string(), v.regex(DIGITS_ID));

const RecordForm = v.object({
  idempotencyKey: v.pipe(v.string(), v.uuid()),
  source: v.picklist(moneyIn.MONEY_SOURCES),
  date: calendarDate,
  amount: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  method: v.picklist(moneyIn.PAYMENT_METHODS),
  memo: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(moneyIn.MEMO_LENGTH_MAX)), ''),
  payer: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(moneyIn.PAYER_LENGTH_MAX)), ''),
  unitId: v.optional(v.union([v.literal(''), Id]), ''),
  restricted: v.optional(v.literal('on'))
});

const PledgeForm = v.object({
  unitId: Id,
  amount: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20))
});

type Field = MoneyInField;

/** What each field says when valibot refuses its shape. */
const fieldMessages: Record<Field, () => string> = {
  date: () => m.money_error_date(),
  amount: () => m.money_error_amount(),
  method: () => m.money_error_method(),
  memo: () => m.money_error_memo(),
  payer: () => m.money_error_payer(),
  unitId: () => m.money_error_unit(),
  attachment: () => m.attachment_error_type(),
  form: () => m.money_error_invalid()
};

/** A use case's refusal: the field it is about and what the page says. */
function refusalOf(code: string): { field: Field; message: string } {
  return refusalMessage(MONEY_IN_REFUSALS, code, MONEY_IN_REFUSED);
}

/** The fields sent back so that a refused form keeps what was typed (never the file). */
function valuesOf(form: FormData) {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, 200) : '';
  };
  return {
    source: text('source'),
    date: text('date'),
    amount: text('amount'),
    method: text('method'),
    memo: text('memo'),
    payer: text('payer'),
    unitId: text('unitId'),
    restricted: text('restricted') === 'on'
  };
}

type Values = ReturnType<typeof valuesOf>;

function refused(
  action: 'record' | 'pledge',
  status: number,
  errors: Partial<Record<Field, string>>,
  values: Values | null
) {
  return fail(status, { action, code: 'invalid_input' as const, errors, values });
}

function issuesToErrors(issues: readonly v.BaseIssue<unknown>[]): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field: Field = typeof key === 'string' && key in fieldMessages ? (key as Field) : 'form';
    errors[field] ??= fieldMessages[field]();
  }
  return errors;
}

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.manage', { fundId: fund.id });
  return { fund, actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}

export const actions: Actions = {
  record: async (event) => {
    const command = await commandFor(event);
    // A body announced as larger than one attachment can make is refused before it is read.
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX) {
      return refused('record', 413, { attachment: m.attachment_error_size() }, null);
    }
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(RecordForm, Object.fromEntries(form));
    const errors: Partial<Record<Field, string>> = parsed.success ? {} : issuesToErrors(parsed.issues);
    const amount = moneyIn.parseAmount(values.amount);
    if (!amount.ok && errors.amount === undefined) errors.amount = refusalOf(amount.code).message;
    const file = form.get('attachment');
    const upload = await readUpload(file instanceof File ? file : null);
    if (!upload.ok) errors.attachment = refusalOf(upload.code).message;
    if (!parsed.success || !amount.ok || !upload.ok || Object.keys(errors).length > 0) {
      return refused('record', 400, errors, values);
    }
    const input = parsed.output;
    const result = await moneyIn.recordMoneyIn(sql(), {
      ...command,
      source: input.source,
      date: input.date,
      amount: input.amount,
      method: input.method,
      memo: input.memo,
      payer: input.payer,
      unitId: input.unitId === '' ? null : input.unitId,
      restricted: input.restricted === 'on',
      attachment: upload.upload,
      idempotencyKey: input.idempotencyKey
    });
    if (!result.ok) {
      if (result.code === 'not_allowed') return refused('record', 403, { form: m.money_error_not_allowed() }, values);
      const refusal = refusalOf(result.code);
      return refused('record', failureStatusOf(result.code), { [refusal.field]: refusal.message }, values);
    }
    redirect(303, `/funds/${command.fund.slug}/money?source=${input.source}&recorded=${result.seq}`);
  },

  pledge: async (event) => {
    const command = await commandFor(event);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(PledgeForm, Object.fromEntries(form));
    if (!parsed.success) return refused('pledge', 400, issuesToErrors(parsed.issues), values);
    const result = await moneyIn.recordPledge(sql(), {
      ...command,
      unitId: parsed.output.unitId,
      amount: parsed.output.amount
    });
    if (!result.ok) {
      if (result.code === 'not_allowed') return refused('pledge', 403, { form: m.money_error_not_allowed() }, values);
      const refusal = refusalOf(result.code);
      return refused('pledge', failureStatusOf(result.code), { [refusal.field]: refusal.message }, values);
    }
    redirect(303, `/funds/${command.fund.slug}/money?source=pledge&pledged=1`);
  }
};
