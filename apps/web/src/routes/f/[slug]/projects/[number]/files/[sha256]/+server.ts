import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { publicReads } from '$lib/server/public/reads';
import { publicFile } from '$lib/server/public/projects';
import { publicProjectParams } from '../../project.server';
import type { RequestHandler } from './$types';

const EXTENSIONS = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' } as const;

/**
 * A receipt, invoice or photo of one public project, once someone checked it for personal data;
 * anything else is 404. The URL names the bytes by their hash and a check is never undone, so the
 * answer never changes and may be kept for a year. The uploader's file name is not used (it may
 * carry a name); the file is named by its hash.
 */
export const GET: RequestHandler = async (event) => {
  const reads = await publicReads(event);
  const { fund, number } = await publicProjectParams(event);
  const file = await publicFile(reads, fund.id, number, event.params.sha256);
  if (file === null) error(404, { message: m.error_not_found() });
  return new Response(new Uint8Array(file.content), {
    headers: {
      'Content-Type': file.mediaType,
      'Content-Length': String(file.content.length),
      'Content-Disposition': `inline; filename="${event.params.sha256.slice(0, 16)}.${EXTENSIONS[file.mediaType]}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
      // A PDF opened from here must not run script as a page of this site.
      'Content-Security-Policy': 'sandbox'
    }
  });
};
