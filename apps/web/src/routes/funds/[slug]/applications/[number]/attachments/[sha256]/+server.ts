import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { attachmentResponse, findApplicationAttachment } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { authorize } from '$lib/server/access/guard';
import { applicationFrom } from '../../../application.server';
import type { RequestHandler } from './$types';

/**
 * A quote or the owners' meeting minutes of one application, for whoever may read the
 * application: its own committee as well as the office. Only files attached to this application
 * are served here; the fund's other evidence stays behind the office's attachment endpoint.
 */
export const GET: RequestHandler = async (event) => {
  const { fund, detail, ref } = await applicationFrom(event);
  authorize(event, 'application.read', ref);
  const attachment = await findApplicationAttachment(sql(), {
    fundId: fund.id,
    applicationId: detail.id,
    sha256: event.params.sha256
  });
  if (attachment === null) error(404, { message: m.error_not_found() });
  return attachmentResponse(attachment);
};
