import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { findAcceptancePhoto } from '$lib/server/projects/acceptance';
import { attachmentResponse } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { projectFrom } from '../../../../project.server';
import type { RequestHandler } from './$types';

/**
 * A photo of one project's acceptance check, for whoever may read the project: its committee as
 * well as the office. Only this project's acceptance photos are served here; the fund's other
 * evidence stays behind the office's attachment endpoint.
 */
export const GET: RequestHandler = async (event) => {
  const { fund, project } = await projectFrom(event);
  const photo = await findAcceptancePhoto(sql(), {
    fundId: fund.id,
    applicationId: project.id,
    sha256: event.params.sha256
  });
  if (photo === null) error(404, { message: m.error_not_found() });
  return attachmentResponse(photo);
};
