import { createHash } from 'node:crypto';
import type { Sql, Transaction } from '../db/client';

/**
 * Bank slips, receipts, minutes and quotes. A file is accepted only when its first bytes say it
 * is a PDF, JPEG or PNG (the name and the browser's Content-Type are the sender's word, so they
 * decide nothing), and only up to 10 MB. It is stored once per fund under its SHA-256, which the
 * ledger entry that cites it records in attachment_hashes; the same file sent twice is one row.
 */

/** The largest file accepted: 10 MiB, as sql/007 (attachment_size_is_limited) also enforces. */
export const ATTACHMENT_BYTES_MAX = 10 * 1024 * 1024;

/**
 * The largest request body a form with one attachment may have: the file plus room for the
 * other fields and the multipart framing. A longer Content-Length is refused before the body is
 * read; apps/web/server.js sets adapter-node's BODY_SIZE_LIMIT to match, which cuts off a body
 * that lies about its length.
 */
export const UPLOAD_REQUEST_BYTES_MAX = ATTACHMENT_BYTES_MAX + 512 * 1024;

export const ATTACHMENT_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

export type AttachmentCode = 'attachment_must_be_pdf_jpeg_or_png' | 'attachment_must_not_exceed_10_mb';

/** A checked upload, ready to store. */
export interface Upload {
  bytes: Uint8Array;
  mediaType: AttachmentMediaType;
  sha256: string;
  originalName: string;
}

const SIGNATURES: readonly { mediaType: AttachmentMediaType; bytes: readonly number[] }[] = [
  // "%PDF-"
  { mediaType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mediaType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mediaType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }
];

/** The media type a file's first bytes announce, or null for anything else. */
export function sniffMediaType(bytes: Uint8Array): AttachmentMediaType | null {
  const found = SIGNATURES.find(
    (signature) =>
      bytes.length >= signature.bytes.length && signature.bytes.every((byte, index) => bytes[index] === byte)
  );
  return found?.mediaType ?? null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Names are kept for the download only; control characters and paths are dropped, length capped. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
}

export type ReadUploadResult = { ok: true; upload: Upload | null } | { ok: false; code: AttachmentCode };

/**
 * Checks a file from a form. A file input left empty sends a nameless file of 0 bytes, which
 * means "no attachment". The size is checked before the bytes are read, from what the multipart
 * parser already counted.
 */
export async function readUpload(file: File | null): Promise<ReadUploadResult> {
  if (file === null || file.size === 0) return { ok: true, upload: null };
  if (file.size > ATTACHMENT_BYTES_MAX) return { ok: false, code: 'attachment_must_not_exceed_10_mb' };
  return checkUpload(new Uint8Array(await file.arrayBuffer()), file.name);
}

/** Checks bytes already in memory: their size and what they really are. */
export function checkUpload(bytes: Uint8Array, name: string): ReadUploadResult {
  if (bytes.length === 0) return { ok: true, upload: null };
  if (bytes.length > ATTACHMENT_BYTES_MAX) return { ok: false, code: 'attachment_must_not_exceed_10_mb' };
  const mediaType = sniffMediaType(bytes);
  if (mediaType === null) return { ok: false, code: 'attachment_must_be_pdf_jpeg_or_png' };
  return { ok: true, upload: { bytes, mediaType, sha256: sha256Hex(bytes), originalName: cleanName(name) } };
}

/** Stores an upload in a fund; a file the fund already holds is left as it is (evidence never changes). */
export async function storeAttachmentIn(
  transaction: Transaction,
  input: { fundId: string; upload: Upload; uploadedBy: string | null; at: Date }
): Promise<void> {
  const { upload } = input;
  await transaction`
    insert into attachments (fund_id, sha256, media_type, size_bytes, original_name, content, uploaded_at, uploaded_by)
    values (${input.fundId}, ${upload.sha256}, ${upload.mediaType}, ${upload.bytes.length}, ${upload.originalName},
            ${Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength)}, ${input.at},
            ${input.uploadedBy})
    on conflict (fund_id, sha256) do nothing`;
}

export interface StoredAttachment {
  sha256: string;
  mediaType: AttachmentMediaType;
  originalName: string;
  content: Buffer;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function findAttachment(
  sql: Sql,
  input: { fundId: string; sha256: string }
): Promise<StoredAttachment | null> {
  if (!SHA256_HEX.test(input.sha256)) return null;
  const [row] = await sql<StoredAttachment[]>`
    select sha256, media_type as "mediaType", original_name as "originalName", content
      from attachments where fund_id = ${input.fundId} and sha256 = ${input.sha256}`;
  return row ?? null;
}

/**
 * One file attached to one application, as its quote, its other papers or its owners' meeting
 * minutes; null when the file is the fund's but not this application's, so that the application's
 * readers cannot reach the fund's other evidence through it.
 */
export async function findApplicationAttachment(
  sql: Sql,
  input: { fundId: string; applicationId: string; sha256: string }
): Promise<StoredAttachment | null> {
  if (!SHA256_HEX.test(input.sha256)) return null;
  const [row] = await sql<StoredAttachment[]>`
    select f.sha256, f.media_type as "mediaType", f.original_name as "originalName", f.content
      from attachments f
     where f.fund_id = ${input.fundId} and f.sha256 = ${input.sha256}
       and (exists (select 1 from application_attachments x
                     where x.fund_id = f.fund_id and x.application_id = ${input.applicationId} and x.sha256 = f.sha256)
            or exists (select 1 from resolutions r
                        where r.fund_id = f.fund_id and r.application_id = ${input.applicationId}
                          and r.minutes_sha256 = f.sha256))`;
  return row ?? null;
}

/**
 * The download of a stored file: served as the type it was checked to be, never sniffed again by
 * the browser, never cached, and sandboxed, so a PDF cannot run script or reach this site's
 * cookies as a page of the site. Every attachment endpoint answers with this.
 */
export function attachmentResponse(attachment: StoredAttachment): Response {
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      'Content-Type': attachment.mediaType,
      'Content-Length': String(attachment.content.length),
      'Content-Disposition': contentDispositionOf(attachment),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Content-Security-Policy': 'sandbox'
    }
  });
}

const EXTENSIONS: Record<AttachmentMediaType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png'
};

/**
 * `inline; filename*=UTF-8''…` (RFC 6266 / 5987), with the stored name when it has one and
 * otherwise the hash, and always the extension of the type the bytes really are.
 */
export function contentDispositionOf(attachment: Pick<StoredAttachment, 'sha256' | 'mediaType' | 'originalName'>) {
  const extension = EXTENSIONS[attachment.mediaType];
  const stem = attachment.originalName.replace(/\.[^.]*$/, '') || attachment.sha256.slice(0, 16);
  const encoded = encodeURIComponent(`${stem}.${extension}`).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
  );
  return `inline; filename*=UTF-8''${encoded}`;
}
