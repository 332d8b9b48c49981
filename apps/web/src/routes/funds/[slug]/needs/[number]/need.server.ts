import { error, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { officeNeed, type OfficeNeedView } from '$lib/server/grants/needs/reads';
import type { FundRow } from '$lib/server/people/members';
import { fundFromSlug } from '../../../fund.server';

const NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The fund and the need an office URL names, once the reader may read the need's compound
 * (compound.read: its committee, the office, the leadership group, the supervisor).
 */
export async function officeNeedOf(
  event: Pick<RequestEvent, 'locals' | 'url' | 'params'>
): Promise<{ fund: FundRow; need: OfficeNeedView }> {
  const fund = await fundFromSlug(event.params.slug ?? '');
  const number = event.params.number ?? '';
  if (!NUMBER.test(number)) error(404, { message: m.error_not_found() });
  const need = await officeNeed(sql(), fund.id, Number(number));
  // Which needs exist is public (their numbers run on the public list); their contact is not.
  if (need === null) error(404, { message: m.error_not_found() });
  authorize(event, 'compound.read', { fundId: fund.id, compoundId: need.compoundId });
  return { fund, need };
}
