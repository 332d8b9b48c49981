import { fail } from '@sveltejs/kit';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { authorize } from '$lib/server/access/guard';
import { previewRegisterImport, REGISTER_IMPORT_BYTES_MAX } from '$lib/server/fund/register-import';
import { importLineMessageOf, registerFileRefusalOf } from '$lib/server/fund/register-import-refusals';
import { m } from '$lib/paraglide/messages';
import { DIGITS_ID, fundFromSlug } from '../../../../fund.server';
import type { RequestEvent } from './$types';

/**
 * The register import's first step: the uploaded spreadsheet read and every row checked, answered
 * as a preview (nothing is written). The confirmation posts the good rows to the paste action.
 */
export async function regimportAction(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  const compoundId = event.params.id;
  if (!DIGITS_ID.test(compoundId)) return fail(404, { action: 'regimport' as const, id: '', importError: '' });
  authorize(event, 'compound.households.manage', { fundId: fund.id, compoundId });
  // A body announced as larger than the file may be is refused before it is read (64 KB for the form).
  const length = Number(event.request.headers.get('content-length') ?? '0');
  if (length > REGISTER_IMPORT_BYTES_MAX + 64 * 1024) {
    return fail(413, { action: 'regimport' as const, id: '', importError: m.regimport_error_size() });
  }
  const file = (await event.request.formData()).get('file');
  const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
  const result = await previewRegisterImport(sql(), { actor: event.locals.actor, fundId: fund.id, compoundId, bytes });
  if (!result.ok) {
    const { message } = registerFileRefusalOf(result.code);
    return fail(failureStatusOf(result.code), { action: 'regimport' as const, id: '', importError: message });
  }
  const { lines, pasted, adding } = result.preview;
  return {
    action: 'regimport' as const,
    id: '',
    preview: {
      lines: lines.map((line) => ({
        row: line.row,
        door: line.door,
        name: line.name,
        registered: line.registered,
        message: line.code === null ? null : importLineMessageOf(line.code)
      })),
      pasted,
      adding
    }
  };
}
