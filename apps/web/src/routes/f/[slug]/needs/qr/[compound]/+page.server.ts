import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { publicOrigin } from '$lib/server/access/guard';
import { qrDataUrl } from '$lib/server/auth/totp';
import { publicNeedsFund } from '../../needs.server';
import type { PageServerLoad } from './$types';

/**
 * The printable A4 sheet for a compound's notice board: a big QR code of the raise link with the
 * compound chosen, and how to use it. The absolute link is on the configured origin (never the
 * Host header), as on every printed sheet.
 */
export const load: PageServerLoad = async (event) => {
  const reads = await publicReads(event);
  const fund = await publicNeedsFund(event);
  const [compound] = await reads<{ code: string; name: string }[]>`
    select code, name from compounds where fund_id = ${fund.id} and code = ${event.params.compound.slice(0, 64)}`;
  if (compound === undefined) error(404, { message: m.error_not_found() });
  const url = `${publicOrigin(event)}/f/${fund.slug}/needs/new?compound=${encodeURIComponent(compound.code)}`;
  return { compound, url, qr: qrDataUrl(url) };
};
