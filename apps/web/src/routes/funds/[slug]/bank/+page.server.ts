import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { allows, authorize } from '$lib/server/access/guard';
import { addBankAccount, bankLedgerAccountsOf } from '$lib/server/fund/bank/accounts';
import { BANK_REFUSALS, BANK_REFUSED, importRefusalMessage } from '$lib/server/fund/bank/bank-refusals';
import { importStatement } from '$lib/server/fund/bank/import';
import { HEADER_LENGTH_MAX, MAPPING_FIELDS, type ColumnMapping } from '$lib/server/fund/bank/mapping';
import { bankOverview } from '$lib/server/fund/bank/reads';
import { BANK_FILE_BYTES_MAX } from '$lib/server/fund/bank/statement-file';
import { DIGITS_ID, fundFromSlug } from '../../fund.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Bank reconciliation (银行对账), the first page: the fund's bank accounts and where each
 * statement stands, for the office and the supervisor; for the fund administrator, the forms that
 * add a bank account and import a statement (CSV or XLSX), with the column mapping on an
 * account's first import.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  const [accounts, ledgerAccounts] = await Promise.all([
    bankOverview(sql(), fund.id),
    bankLedgerAccountsOf(sql(), fund.id)
  ]);
  const number = (name: string) => {
    const text = event.url.searchParams.get(name);
    return text !== null && /^\d{1,6}$/.test(text) ? Number(text) : null;
  };
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    accounts,
    ledgerAccounts: ledgerAccounts.filter((account) => !account.taken),
    mappingFields: MAPPING_FIELDS,
    canReconcile: allows(event, 'bank.reconcile', { fundId: fund.id }),
    imported:
      number('added') === null
        ? null
        : {
            added: number('added') ?? 0,
            matched: number('matched') ?? 0,
            again: event.url.searchParams.get('again') === '1'
          }
  };
};

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'bank.reconcile', { fundId: fund.id });
  return { fund, actor: event.locals.actor, fundId: fund.id, now: new Date() };
}

const AddForm = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)),
  accountCode: v.pipe(v.string(), v.regex(/^1002\.[0-9A-Za-z.-]{1,60}$/))
});

const Header = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(HEADER_LENGTH_MAX)), '');
const ImportForm = v.object({
  bankAccountId: v.pipe(v.string(), v.regex(DIGITS_ID)),
  ...Object.fromEntries(MAPPING_FIELDS.map((field) => [field, Header]))
});

export const actions: Actions = {
  add: async (event) => {
    const command = await commandFor(event);
    const parsed = v.safeParse(AddForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { action: 'add' as const, errors: { name: m.bank_error_name() } });
    const result = await addBankAccount(sql(), { ...command, ...parsed.output });
    if (!result.ok) {
      const refusal = refusalMessage(BANK_REFUSALS, result.code, BANK_REFUSED);
      return fail(failureStatusOf(result.code), {
        action: 'add' as const,
        errors: { [refusal.field]: refusal.message }
      });
    }
    redirect(303, `/funds/${command.fund.slug}/bank`);
  },

  import: async (event) => {
    const command = await commandFor(event);
    // A body larger than the biggest statement and its form can make is refused before it is read,
    // with the same sentence as a file just over the limit.
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > BANK_FILE_BYTES_MAX + 512 * 1024) {
      return fail(413, { action: 'import' as const, errors: { file: m.bank_error_file_size() } });
    }
    const form = await event.request.formData();
    const parsed = v.safeParse(
      ImportForm,
      Object.fromEntries([...form].filter(([, value]) => typeof value === 'string'))
    );
    const file = form.get('file');
    if (!parsed.success) return fail(400, { action: 'import' as const, errors: { form: m.bank_error_refused() } });
    if (!(file instanceof File) || file.size === 0) {
      return fail(400, { action: 'import' as const, errors: { file: m.bank_error_file_empty() } });
    }
    if (file.size > BANK_FILE_BYTES_MAX) {
      return fail(413, { action: 'import' as const, errors: { file: m.bank_error_file_size() } });
    }
    const { bankAccountId, ...mapping } = parsed.output;
    const result = await importStatement(sql(), {
      ...command,
      bankAccountId,
      bytes: new Uint8Array(await file.arrayBuffer()),
      fileName: file.name,
      mapping: mapping as Partial<ColumnMapping>
    });
    if (!result.ok) {
      const status =
        result.code === 'not_allowed'
          ? 403
          : result.code === 'bank_file_must_not_exceed_10_mb'
            ? 413
            : failureStatusOf(result.code);
      return fail(status, { action: 'import' as const, errors: { file: importRefusalMessage(result) } });
    }
    const again = result.alreadyImported ? '&again=1' : '';
    redirect(303, `/funds/${command.fund.slug}/bank?added=${result.linesAdded}&matched=${result.matched}${again}`);
  }
};
