import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicOrigin } from '$lib/server/access/guard';
import { entryCheck } from '$lib/server/public/print';
import { receiptOf } from '$lib/server/projects/self-raising';
import { projectPage, projectSummary } from '../../raise/raise.server';
import type { PageServerLoad } from './$types';

/**
 * The printable receipt (收据) of one self-raised payment, which the committee hands to the
 * household: everyone who may read the project may print it. The household's full name is on it,
 * since it goes to the household itself. The payment is looked up only once the policy allows the
 * project, and only among this project's payments.
 */
export const load: PageServerLoad = async (event) => {
  const page = await projectPage(event);
  const receipt = await receiptOf(sql(), { project: page.project, paymentId: event.params.id });
  if (receipt === null) error(404, { message: m.error_not_found() });
  // The QR code and the hash let the household check the payment against the public books.
  const check = entryCheck({ origin: publicOrigin(event), slug: page.fund.slug, seq: receipt.seq, hash: receipt.hash });
  return { ...projectSummary(page, event.locals), receipt, check };
};
