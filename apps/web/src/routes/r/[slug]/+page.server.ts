import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize } from '$lib/server/access/guard';
import { regionPageCached } from '$lib/server/regions/cache';
import type { PageServerLoad } from './$types';

/**
 * A street's or county's public page (片区公示): every fund of it with the figures of its own
 * public page, added up. Like a fund's public pages it needs no account and ships no JavaScript.
 */
export const csr = false;

/** A slug as regions are named (sql/027_regions.sql); anything else is not looked up. */
const REGION_SLUG = /^[a-z][a-z0-9-]{2,39}$/;

export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const slug = event.params.slug;
  const page = REGION_SLUG.test(slug) ? await regionPageCached(await publicReads(event), slug, new Date()) : null;
  if (page === null) error(404, { message: m.error_not_found() });
  return { page };
};
