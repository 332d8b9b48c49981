import { error } from '@sveltejs/kit';
import { chinaDateOf } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { fundProfile } from '$lib/server/fund/fund-office';
import { contributingUnit, contributorYearOf, fundPageLink, parseStatementYear } from '$lib/server/fund/contributors';
import { BOOKS_REFUSALS, BOOKS_REFUSED } from '$lib/server/fund/account-books-refusals';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { PageServerLoad } from './$types';

/**
 * A contributing unit's statement for a year (`?year=`, the fund's fiscal year by default): what
 * it pledged, each payment with its voucher number, and what it still owes, printable with a QR
 * code to the fund's public page. For the fund administrator and the supervisor (books.read);
 * the unit is looked up in the fund only once the policy let the visitor in.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'books.read', { fundId: fund.id });
  const unit = DIGITS_ID.test(event.params.id)
    ? await contributingUnit(sql(), { fundId: fund.id, unitId: event.params.id })
    : null;
  if (unit === null) error(404, { message: m.error_not_found() });
  const now = new Date();
  const profile = await fundProfile(sql(), fund.id);
  const year = parseStatementYear(event.url.searchParams, profile?.fiscalYear ?? Number(chinaDateOf(now).slice(0, 4)));
  const statement = year.ok
    ? await contributorYearOf(sql(), { fundId: fund.id, unitId: unit.id, year: year.year })
    : null;
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    unit,
    typedYear: year.ok ? String(year.year) : year.typed,
    yearError: year.ok ? null : refusalMessage(BOOKS_REFUSALS, year.code, BOOKS_REFUSED),
    statement,
    link: fundPageLink(publicOrigin(event), fund.slug),
    printedOn: chinaDateOf(now)
  };
};
