import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { SHA256_HEX } from '$lib/server/platform/attachments';
import { publicNeedPhoto } from '$lib/server/grants/needs/reads';
import { officeNeedOf } from '../../need.server';
import type { RequestHandler } from './$types';

/**
 * A photo of a need, checked or not, for the people who read the need's compound and check it
 * for personal data before it is public. Never kept by a shared cache.
 */
export const GET: RequestHandler = async (event) => {
  const { fund, need } = await officeNeedOf(event);
  const sha256 = event.params.sha256;
  const photo = SHA256_HEX.test(sha256)
    ? await publicNeedPhoto(sql(), { fundId: fund.id, number: need.number, sha256, checkedOnly: false })
    : null;
  if (photo === null) error(404, { message: m.error_not_found() });
  return new Response(new Uint8Array(photo.content), {
    headers: {
      'Content-Type': photo.mediaType,
      'Content-Length': String(photo.content.length),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Content-Security-Policy': 'sandbox'
    }
  });
};
