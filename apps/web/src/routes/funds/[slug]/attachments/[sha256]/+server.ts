import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { attachmentResponse, findAttachment } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { fundFromSlug } from '../../../fund.server';
import type { RequestHandler } from './$types';

/**
 * One attachment of a fund (a bank slip, a receipt), for the fund office, the leadership and the
 * supervisor. Receipts can carry personal data, so nothing here is public until someone has
 * checked them (a later feature). See attachmentResponse for how the bytes are served.
 */
export const GET: RequestHandler = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const attachment = await findAttachment(sql(), { fundId: fund.id, sha256: event.params.sha256 });
  if (attachment === null) error(404, { message: m.error_not_found() });
  return attachmentResponse(attachment);
};
