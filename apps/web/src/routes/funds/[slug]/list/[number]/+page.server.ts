import { GRANT_STATES, chinaDateOf } from '@gongjian/ledger';
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { readUpload, UPLOAD_REQUEST_BYTES_MAX, type Upload } from '$lib/server/platform/attachments';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import {
  cancelItem,
  checkPhoto,
  deliverItem,
  itemDetail,
  itemNumberOf,
  startWork,
  type ItemResult
} from '$lib/server/grants/project-list';
import { PHOTOS_MAX } from '$lib/server/grants/project-list/model';
import { LIST_REFUSALS, LIST_REFUSED } from '$lib/server/grants/project-list/refusals';
import { fundFromSlug } from '../../../fund.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One item of the project list for the office: where it stands (its timeline with the 五议
 * stages), its needs, resources and application; the administrator records the work, the
 * delivery with its photos, checks the photos for personal data, or cancels it.
 */
export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const number = itemNumberOf(event.params.number);
  const item = number === null ? null : await itemDetail(sql(), { fundId: fund.id, number, audience: 'office' });
  if (item === null) error(404, { message: m.error_not_found() });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    item,
    canManage: can(event.locals.actor, 'list.manage', { fundId: fund.id }).allowed,
    canReadApplication:
      item.applicationStatus !== null &&
      can(event.locals.actor, 'application.read', {
        fundId: fund.id,
        compoundId: item.compoundId,
        applicantUnitId: null,
        status: item.applicationStatus
      }).allowed,
    isProject: item.applicationStatus !== null && (GRANT_STATES as readonly string[]).includes(item.applicationStatus),
    saved: event.url.searchParams.get('saved') === '1',
    placed: event.url.searchParams.get('placed') === '1',
    today: chinaDateOf(new Date())
  };
};

async function commandOf(event: RequestEvent<{ slug: string; number: string }>) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'list.manage', { fundId: fund.id });
  const number = itemNumberOf(event.params.number);
  if (number === null) error(404, { message: m.error_not_found() });
  return {
    fund,
    command: { actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event), number }
  };
}

function answer(action: string, result: ItemResult, slug: string, number: number) {
  if (!result.ok) {
    const refusal = refusalMessage(LIST_REFUSALS, result.code, LIST_REFUSED);
    const status = result.code === 'not_allowed' ? 403 : failureStatusOf(result.code);
    return fail(status, { action, errors: { [refusal.field]: refusal.message } as Record<string, string> });
  }
  redirect(303, `/funds/${slug}/list/${number}?saved=1`);
}

const text = (form: FormData, key: string, max: number) => {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, max) : '';
};

async function photosOf(form: FormData): Promise<{ ok: true; photos: Upload[] } | { ok: false }> {
  const files = form.getAll('photos').filter((file): file is File => file instanceof File && file.size > 0);
  if (files.length > PHOTOS_MAX) return { ok: false };
  const photos: Upload[] = [];
  for (const file of files) {
    const read = await readUpload(file);
    // Delivery photos are pictures: a PDF is refused here, though the attachment store takes one.
    if (!read.ok || read.upload === null || read.upload.mediaType === 'application/pdf') return { ok: false };
    photos.push(read.upload);
  }
  return { ok: true, photos };
}

export const actions: Actions = {
  start: async (event) => {
    const { fund, command } = await commandOf(event);
    return answer('start', await startWork(sql(), command), fund.slug, command.number);
  },
  deliver: async (event) => {
    const { fund, command } = await commandOf(event);
    const length = Number(event.request.headers.get('content-length') ?? '0');
    if (length > PHOTOS_MAX * UPLOAD_REQUEST_BYTES_MAX) {
      return fail(413, { action: 'deliver', errors: { photos: m.plist_error_photos() } as Record<string, string> });
    }
    const form = await event.request.formData();
    const photos = await photosOf(form);
    if (!photos.ok) {
      return fail(400, { action: 'deliver', errors: { photos: m.plist_error_photos() } as Record<string, string> });
    }
    const result = await deliverItem(sql(), {
      ...command,
      deliveredOn: text(form, 'deliveredOn', 10),
      feedback: text(form, 'feedback', 2000),
      photos: photos.photos
    });
    return answer('deliver', result, fund.slug, command.number);
  },
  cancel: async (event) => {
    const { fund, command } = await commandOf(event);
    const form = await event.request.formData();
    const result = await cancelItem(sql(), { ...command, reason: text(form, 'reason', 1000) });
    return answer('cancel', result, fund.slug, command.number);
  },
  check: async (event) => {
    const { fund, command } = await commandOf(event);
    const form = await event.request.formData();
    const result = await checkPhoto(sql(), { ...command, sha256: text(form, 'sha256', 64) });
    return answer('check', result, fund.slug, command.number);
  }
};
