import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { ledgerEntry } from '$lib/server/public/ledger';
import type { PageServerLoad } from './$types';

/** One entry of the public ledger, with the canonical text its hash signs, so anyone can check it. */
export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const seq = /^[1-9]\d{0,11}$/.test(event.params.seq) ? Number(event.params.seq) : null;
  const entry = seq === null ? null : await ledgerEntry(reads, site.fund.id, seq);
  if (entry === null) error(404, { message: m.error_not_found() });
  return { entry };
};
