import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { SHA256_HEX } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { checkForPersonalData, projectFilesIn } from '$lib/server/projects/privacy-check';
import { projectFrom } from '../../project.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * A project's uploaded files (invoices, households' receipts, acceptance photos) and whether each
 * was checked for personal data: a checked file is public on the project's public page. The
 * project's readers see the list; its compound's committee and the fund administrator mark files.
 */
export const load: PageServerLoad = async (event) => {
  const { fund, project, ref } = await projectFrom(event);
  const files = await projectFilesIn(sql(), { fundId: fund.id, applicationId: project.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    project: { number: project.number, title: project.title, status: project.status },
    files,
    canCheck: can(event.locals.actor, 'attachment.privacy_check', ref).allowed
  };
};

const CheckForm = v.object({ sha256: v.pipe(v.string(), v.regex(SHA256_HEX)) });

export const actions: Actions = {
  check: async (event) => {
    const { fund, project, ref } = await projectFrom(event);
    authorize(event, 'attachment.privacy_check', ref);
    const parsed = v.safeParse(CheckForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success)
      return fail(400, { code: 'attachment_is_not_in_project', message: m.privacy_check_error_file() });
    const result = await checkForPersonalData(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number: project.number,
      sha256: parsed.output.sha256,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (result.ok) return { checked: parsed.output.sha256 };
    if (result.code === 'project_not_found') error(404, { message: m.error_not_found() });
    if (result.code === 'not_allowed') {
      return fail(403, { code: result.code, message: m.privacy_check_error_not_allowed() });
    }
    return fail(404, { code: result.code, message: m.privacy_check_error_file() });
  }
};
