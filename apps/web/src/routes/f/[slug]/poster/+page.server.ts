import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { authorize, publicOrigin } from '$lib/server/access/guard';
import { qrDataUrl } from '$lib/server/auth/totp';
import { posterData } from '$lib/server/grants/project-list';
import type { PageServerLoad } from './$types';

/**
 * The A4 poster of the three lists for a notice board (`?compound=<code>` for one compound): the
 * needs, the resources and the project list in short, each with a QR code of its public page, and
 * one of the raise-a-need form. The codes carry absolute addresses on the configured origin
 * (publicOrigin: ORIGIN, never the Host header a visitor sends).
 */

const CODE = /^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/;

export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const reads = await publicReads(event);
  const { site } = await event.parent();
  const raw = event.url.searchParams.get('compound');
  const compound = raw !== null && CODE.test(raw) ? raw : null;
  const poster = await posterData(reads, site.fund.id, compound);
  if (poster === null) error(404, { message: m.error_not_found() });
  const base = `${publicOrigin(event)}/f/${site.fund.slug}`;
  const query = poster.compound === null ? '' : `?compound=${encodeURIComponent(poster.compound.code)}`;
  const link = (path: string) => {
    const url = `${base}${path}${query}`;
    return { url, qr: qrDataUrl(url) };
  };
  return {
    poster,
    links: {
      needs: link('/needs'),
      resources: link('/resources'),
      list: link('/list'),
      raise: link('/needs/new')
    }
  };
};
