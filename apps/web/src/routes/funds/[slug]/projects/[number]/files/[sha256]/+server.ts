import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { attachmentResponse } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { findProjectFile } from '$lib/server/projects/privacy-check';
import { projectFrom } from '../../../project.server';
import type { RequestHandler } from './$types';

/**
 * One uploaded file of one project, checked or not, for whoever may read the project: the
 * committee must see a receipt before it can say that the receipt shows no personal data. Only
 * this project's files are served here (see attachmentResponse for how).
 */
export const GET: RequestHandler = async (event) => {
  const { fund, project } = await projectFrom(event);
  const file = await findProjectFile(sql(), {
    fundId: fund.id,
    applicationId: project.id,
    sha256: event.params.sha256
  });
  if (file === null) error(404, { message: m.error_not_found() });
  return attachmentResponse(file);
};
