import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { SHA256_HEX } from '$lib/server/platform/attachments';
import { publicNeedPhoto } from '$lib/server/grants/needs/reads';
import { publicNeedParams } from '../../../needs.server';
import type { RequestHandler } from './$types';

/**
 * A photo of a public need, once someone checked it for personal data; anything else is 404. The
 * URL names the bytes by their hash and a check is never undone, so the answer may be kept.
 */
export const GET: RequestHandler = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await publicNeedParams(event);
  const sha256 = event.params.sha256;
  const photo = SHA256_HEX.test(sha256)
    ? await publicNeedPhoto(reads, { fundId: fund.id, number, sha256, checkedOnly: true })
    : null;
  if (photo === null) error(404, { message: m.error_not_found() });
  return new Response(new Uint8Array(photo.content), {
    headers: {
      'Content-Type': photo.mediaType,
      'Content-Length': String(photo.content.length),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Security-Policy': 'sandbox'
    }
  });
};
