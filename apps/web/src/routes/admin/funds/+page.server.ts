import { fail, redirect, type Cookies } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { qrDataUrl } from '$lib/server/auth/totp';
import { sql } from '$lib/server/platform/database';
import * as fundsAdmin from '$lib/server/fund/funds-admin';
import { newFundProblemMessage } from '$lib/server/fund/funds-admin-refusals';
import { authorize, clientAddress, publicOrigin } from '$lib/server/access/guard';
import { viewLink } from '$lib/server/people/invitations';
import type { Actions, PageServerLoad } from './$types';

/**
 * The platform administrator's funds page: every fund of the installation, and the form that sets
 * up a new one. The first administrator's invitation link is shown once, after the redirect: the
 * action leaves its token in a short-lived HttpOnly cookie scoped to this page, never in the URL,
 * and the next load of the page takes it out and deletes it.
 */

const NEW_LINK_COOKIE = 'gj_new_fund_link';
const NEW_LINK_PATH = '/admin/funds';
const NEW_LINK_MAX_AGE_SECONDS = 10 * 60;
/** The `created` query names a fund by slug; anything else is ignored. */
const SLUG_IN_QUERY = /^[a-z][a-z0-9-]{2,39}$/;

export const load: PageServerLoad = async (event) => {
  authorize(event, 'platform.funds.manage', null);
  const now = new Date();
  const created = await createdFund(event.url, publicOrigin(event), event.cookies, now);
  return {
    funds: await fundsAdmin.listFunds(sql(), now),
    created,
    // A new key per page view: sending this form twice sets up one fund (see createFund).
    idempotencyKey: randomUUID(),
    fiscalYearDefault: String(now.getUTCFullYear())
  };
};

/** The fund just set up, with its invitation link when this is the first look after creating it. */
async function createdFund(url: URL, origin: string, cookies: Cookies, now: Date) {
  const slug = url.searchParams.get('created');
  if (slug === null || !SLUG_IN_QUERY.test(slug)) return null;
  const names = await fundsAdmin.fundNames(sql(), slug);
  if (names === null) return null;
  const stored = cookies.get(NEW_LINK_COOKIE);
  if (stored !== undefined) cookies.delete(NEW_LINK_COOKIE, { path: NEW_LINK_PATH });
  const [cookieSlug, token] = stored?.split('.') ?? [];
  let link: { url: string; qr: string; expiresAt: Date } | null = null;
  if (cookieSlug === slug && token !== undefined) {
    const viewed = await viewLink(sql(), { token, kind: 'invite', now });
    if (viewed.ok) {
      const address = `${origin}/invite/${token}`;
      link = { url: address, qr: qrDataUrl(address), expiresAt: viewed.view.expiresAt };
    }
  }
  return { slug, nameZh: names.nameZh, nameEn: names.nameEn, link };
}

/** Bounds every field before the use case checks it; what a field must be is decided there. */
const Text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)), '');

const CreateForm = v.object({
  idempotencyKey: v.pipe(v.string(), v.uuid()),
  slug: Text(200),
  nameZh: Text(200),
  nameEn: Text(200),
  community: Text(200),
  street: Text(200),
  description: Text(4000),
  fiscalYear: Text(20),
  inviteAdmin: v.optional(v.picklist(['on']), undefined),
  adminLabel: Text(200)
});

/** The form's fields as they are sent back to a refused form, so nothing typed is lost. */
function valuesOf(form: Record<string, FormDataEntryValue>) {
  const text = (key: string, max: number) => {
    const value = form[key];
    return typeof value === 'string' ? value.slice(0, max) : '';
  };
  return {
    slug: text('slug', 100),
    nameZh: text('nameZh', 100),
    nameEn: text('nameEn', 100),
    community: text('community', 100),
    street: text('street', 100),
    description: text('description', 2100),
    fiscalYear: text('fiscalYear', 10),
    inviteAdmin: form['inviteAdmin'] === 'on',
    adminLabel: text('adminLabel', 100)
  };
}

export const actions: Actions = {
  create: async (event) => {
    authorize(event, 'platform.funds.manage', null);
    const form = Object.fromEntries(await event.request.formData());
    const values = valuesOf(form);
    const parsed = v.safeParse(CreateForm, form);
    if (!parsed.success) {
      const stale = parsed.issues.some((issue) => issue.path?.[0]?.key === 'idempotencyKey');
      return fail(400, {
        code: 'invalid_input' as const,
        message: stale ? m.admin_funds_error_stale() : m.admin_funds_error_invalid(),
        errors: {} as Record<string, string>,
        values
      });
    }
    const input = parsed.output;
    const now = new Date();
    const result = await fundsAdmin.createFund(sql(), {
      actor: event.locals.actor,
      idempotencyKey: input.idempotencyKey,
      now,
      ip: clientAddress(event),
      slug: input.slug.trim().toLowerCase(),
      nameZh: input.nameZh,
      nameEn: input.nameEn,
      community: input.community,
      street: input.street,
      description: input.description,
      fiscalYear: /^[0-9]{4}$/.test(input.fiscalYear.trim()) ? Number(input.fiscalYear.trim()) : Number.NaN,
      adminInvitationLabel: input.inviteAdmin === 'on' ? input.adminLabel : null
    });
    if (!result.ok) {
      if (result.code === 'not_allowed') {
        return fail(403, {
          code: result.code,
          message: m.admin_funds_error_not_allowed(),
          errors: {} as Record<string, string>,
          values
        });
      }
      const errors: Record<string, string> = {};
      for (const problem of result.problems) {
        const { field, message } = newFundProblemMessage(problem, now);
        errors[field] ??= message;
      }
      return fail(400, { code: result.code, message: null, errors, values });
    }
    if (result.invitation !== null) {
      event.cookies.set(NEW_LINK_COOKIE, `${result.slug}.${result.invitation.token}`, {
        path: NEW_LINK_PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: event.url.protocol === 'https:',
        maxAge: NEW_LINK_MAX_AGE_SECONDS
      });
    }
    redirect(303, `/admin/funds?created=${encodeURIComponent(result.slug)}`);
  }
};
