import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { readUpload, type Upload } from '../../platform/attachments';
import { fieldErrorsOf } from '../../platform/form-errors';
import { formText } from '../../platform/form-input';
import { refusalMessage } from '../../platform/refusal-messages';
import { NEED_REFUSALS, NEED_REFUSED, type NeedField } from './needs-refusals';
import {
  NEED_BODY_MAX,
  NEED_CONTACT_MAX,
  NEED_PHOTOS_MAX,
  NEED_PLACE_MAX,
  RECORDED_SOURCES,
  type NeedFields,
  type RecordedSource
} from './raise';

/*
 * The need form as the public raise page and the committee's record page post it: the same
 * fields, checked the same way, with the same messages. The routes authorize first and call the
 * use case with what this returns.
 */

const Id = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/));

const NeedForm = v.object({
  createKey: v.pipe(v.string(), v.uuid()),
  compoundId: Id,
  category: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/)),
  body: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(NEED_BODY_MAX)),
  place: formText(NEED_PLACE_MAX),
  contact: formText(NEED_CONTACT_MAX),
  source: v.optional(v.picklist(RECORDED_SOURCES))
});

const fieldMessages: Record<NeedField, () => string> = {
  compoundId: () => m.needs_error_compound(),
  category: () => m.needs_error_category(),
  body: () => m.needs_error_body(),
  place: () => m.needs_error_place(),
  contact: () => m.needs_error_contact(),
  photos: () => m.needs_error_photo_type(),
  source: () => m.needs_error_source(),
  code: () => m.needs_error_code(),
  reason: () => m.needs_error_reason(),
  mergeInto: () => m.needs_error_merge_target(),
  form: () => m.needs_error_invalid()
};

/** What was typed, cut to the fields' limits, to fill a refused form again (never the photos). */
export type NeedValues = Record<'compoundId' | 'category' | 'body' | 'place' | 'contact' | 'source', string>;

export function needValuesOf(form: FormData): NeedValues {
  const text = (key: string, max: number) => {
    const value = form.get(key);
    return typeof value === 'string' ? value.slice(0, max) : '';
  };
  return {
    compoundId: text('compoundId', 20),
    category: text('category', 32),
    body: text('body', NEED_BODY_MAX),
    place: text('place', NEED_PLACE_MAX),
    contact: text('contact', NEED_CONTACT_MAX),
    source: text('source', 10)
  };
}

export type ParsedNeedForm =
  | { ok: true; fields: NeedFields & { source: RecordedSource | undefined } }
  | { ok: false; errors: Partial<Record<NeedField, string>> };

/** Checks a posted need form and reads its photos (JPEG or PNG, at most NEED_PHOTOS_MAX). */
export async function parseNeedForm(form: FormData): Promise<ParsedNeedForm> {
  const parsed = v.safeParse(NeedForm, Object.fromEntries(form));
  const errors: Partial<Record<NeedField, string>> = parsed.success ? {} : fieldErrorsOf(parsed.issues, fieldMessages);
  const files = form.getAll('photos').filter((file): file is File => file instanceof File && file.size > 0);
  const photos: Upload[] = [];
  if (files.length > NEED_PHOTOS_MAX) errors.photos = m.needs_error_photo_count();
  for (const file of files.slice(0, NEED_PHOTOS_MAX)) {
    const read = await readUpload(file);
    if (!read.ok) errors.photos ??= refusalMessage(NEED_REFUSALS, read.code, NEED_REFUSED).message;
    else if (read.upload !== null && read.upload.mediaType === 'application/pdf') {
      errors.photos ??= m.needs_error_photo_type();
    } else if (read.upload !== null) photos.push(read.upload);
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const { createKey, compoundId, category, body, place, contact, source } = parsed.output;
  return { ok: true, fields: { createKey, compoundId, category, body, place, contact, photos, source } };
}
