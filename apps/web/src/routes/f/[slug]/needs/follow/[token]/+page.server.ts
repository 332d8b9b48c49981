import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { publicOrigin } from '$lib/server/access/guard';
import { FOLLOW_TOKEN } from '$lib/server/grants/needs/raise';
import { categoryOptions, followedNeed } from '$lib/server/grants/needs/reads';
import { publicNeedsFund } from '../../needs.server';
import type { PageServerLoad } from './$types';

/**
 * The raiser's private follow link (/f/<slug>/needs/follow/<token>): the need, its status and
 * every step with its date, public note and 五议 stage, and the project-list items that serve it.
 * The link may be forwarded, so it shows nothing the public page does not (never the contact).
 * No cache keeps it and no Referer carries it (security-headers.js names its path), and search
 * engines are asked not to index it.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await publicNeedsFund(event);
  const token = event.params.token;
  const need = FOLLOW_TOKEN.test(token) ? await followedNeed(sql(), fund.id, token) : null;
  if (need === null) error(404, { message: m.error_not_found() });
  const { id: _id, ...shown } = need;
  return {
    need: shown,
    categories: await categoryOptions(sql(), fund.id),
    raised: event.url.searchParams.get('raised') === '1',
    link: `${publicOrigin(event)}/f/${fund.slug}/needs/follow/${token}`
  };
};
