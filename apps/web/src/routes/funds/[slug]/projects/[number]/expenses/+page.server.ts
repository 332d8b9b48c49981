import { chinaDateOf } from '@gongjian/ledger';
import { fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { readUpload, UPLOAD_REQUEST_BYTES_MAX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { calendarDate } from '$lib/server/platform/form-input';
import * as expenses from '$lib/server/projects/expenses';
import { expenseRefusalOf, type ExpenseField } from '$lib/server/projects/expense-refusals';
import { authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { projectPage, projectSummary } from '../pay.server';
import type { Actions, PageServerLoad } from './$types';
import { failureStatusOf, fieldErrorsOf } from '$lib/server/platform/form-errors';

/**
 * What one project spent: budget against actual per line, the money received and what is left in
 * the project's account, the expenses with their vouchers, and for the compound's committee and
 * the fund administrator the form that records an expense with its invoice. `?supplier=` and
 * `?amount=` fill the form in, as the payouts page links here after paying a supplier.
 */

export const load: PageServerLoad = async (event) => {
  const page = await projectPage(event);
  const overview = await expenses.expensesOverview(sql(), page.fund.id, page.project);
  const prefill = (name: string, max: number) => (event.url.searchParams.get(name) ?? '').slice(0, max);
  const recorded = event.url.searchParams.get('recorded');
  return {
    ...projectSummary(page, event.locals),
    overview,
    canRecord: can(event.locals.actor, 'project.expense', page.ref).allowed,
    key: randomUUID(),
    today: chinaDateOf(new Date()),
    prefill: { supplier: prefill('supplier', expenses.SUPPLIER_LENGTH_MAX), amount: prefill('amount', 20) },
    recorded: recorded !== null && /^[1-9][0-9]{0,17}$/.test(recorded) ? recorded : null
  };
};

const RecordForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  lineNo: v.union([v.literal(''), v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,2}$/))]),
  supplier: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(expenses.SUPPLIER_LENGTH_MAX)),
  invoiceNo: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(expenses.INVOICE_NO_LENGTH_MAX)), ''),
  invoiceDate: calendarDate,
  amount: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20))
});

type Field = ExpenseField;

const fieldMessages: Record<Field, () => string> = {
  lineNo: () => m.expense_error_line(),
  supplier: () => m.expense_error_supplier(),
  invoiceNo: () => m.expense_error_invoice_no(),
  invoiceDate: () => m.expense_error_date(),
  amount: () => m.expense_error_amount(),
  attachment: () => m.attachment_error_type(),
  form: () => m.expense_error_invalid()
};

function valuesOf(form: FormData) {
  const text = (key: string, max: number) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, max) : '';
  };
  return {
    lineNo: text('lineNo', 4),
    supplier: text('supplier', expenses.SUPPLIER_LENGTH_MAX),
    invoiceNo: text('invoiceNo', expenses.INVOICE_NO_LENGTH_MAX),
    invoiceDate: text('invoiceDate', 10),
    amount: text('amount', 20)
  };
}

type Values = ReturnType<typeof valuesOf>;

function refused(status: number, errors: Partial<Record<Field, string>>, values: Values | null) {
  return fail(status, { action: 'record' as const, errors, values });
}

export const actions: Actions = {
  record: async (event) => {
    const page = await projectPage(event);
    authorizeCommand(event, 'project.expense', page.ref);
    // A body announced as larger than one attachment can make is refused before it is read.
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > UPLOAD_REQUEST_BYTES_MAX) return refused(413, { attachment: m.attachment_error_size() }, null);
    const form = await event.request.formData();
    const values = valuesOf(form);
    const parsed = v.safeParse(RecordForm, Object.fromEntries(form));
    const errors: Partial<Record<Field, string>> = parsed.success ? {} : fieldErrorsOf(parsed.issues, fieldMessages);
    const file = form.get('attachment');
    const upload = await readUpload(file instanceof File ? file : null);
    if (!upload.ok) {
      errors.attachment =
        upload.code === 'attachment_must_not_exceed_10_mb' ? m.attachment_error_size() : m.attachment_error_type();
    }
    if (!parsed.success || !upload.ok || Object.keys(errors).length > 0) return refused(400, errors, values);
    const input = parsed.output;
    const result = await expenses.recordExpense(sql(), {
      actor: event.locals.actor,
      fundId: page.fund.id,
      number: page.project.number,
      now: new Date(),
      ip: clientAddress(event),
      lineNo: input.lineNo === '' ? null : Number(input.lineNo),
      supplier: input.supplier,
      invoiceNo: input.invoiceNo,
      invoiceDate: input.invoiceDate,
      amount: input.amount,
      attachment: upload.upload,
      key: input.key
    });
    if (!result.ok) {
      const refusal = expenseRefusalOf(result, event.locals.locale);
      return refused(failureStatusOf(result.code), { [refusal.field]: refusal.message }, values);
    }
    redirect(303, `/funds/${event.params.slug}/projects/${event.params.number}/expenses?recorded=${result.expenseId}`);
  }
};
