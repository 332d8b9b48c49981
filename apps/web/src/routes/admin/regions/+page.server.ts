import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import * as regions from '$lib/server/regions/admin';
import { regionRefusalMessage } from '$lib/server/regions/refusals';
import { authorize, clientAddress } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

/**
 * The platform administrator's regions page: the tree of counties and streets, which fund sits in
 * which street, and the region officers. Every form is a plain POST that ends in a redirect.
 */

export const load: PageServerLoad = async (event) => {
  authorize(event, 'platform.regions.manage', null);
  const [list, funds] = await Promise.all([regions.listRegions(sql()), regions.fundChoices(sql())]);
  return { regions: list, funds, saved: event.url.searchParams.get('saved') === '1' };
};

const Text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)), '');
const Slug = v.pipe(v.string(), v.maxLength(60));

const CreateForm = v.object({
  kind: v.picklist(regions.REGION_KINDS),
  slug: Text(60),
  nameZh: Text(120),
  nameEn: Text(120),
  parent: Text(60)
});
const RenameForm = v.object({ slug: Slug, nameZh: Text(120), nameEn: Text(120) });
const AttachForm = v.object({ fund: Slug, street: Text(60) });
const OfficerForm = v.object({ region: Slug, loginName: Text(120) });

/** The form's fields parsed, or a 400 that says the form was not one this page sends. */
async function parsed<S extends v.GenericSchema>(event: RequestEvent, schema: S, form: string) {
  authorize(event, 'platform.regions.manage', null);
  const result = v.safeParse(schema, Object.fromEntries(await event.request.formData()));
  if (!result.success) return { ok: false as const, failure: fail(400, { form, message: m.region_error_invalid() }) };
  return {
    ok: true as const,
    input: result.output as v.InferOutput<S>,
    command: { actor: event.locals.actor, now: new Date(), ip: clientAddress(event) }
  };
}

/** A refused command's answer, or the redirect that shows the saved tree. */
function answer(form: string, result: { ok: true } | { ok: false; code: string }) {
  if (!result.ok) {
    const status = result.code === 'not_allowed' ? 403 : 400;
    return fail(status, { form, message: regionRefusalMessage(result.code) });
  }
  redirect(303, '/admin/regions?saved=1');
}

export const actions: Actions = {
  create: async (event) => {
    const form = await parsed(event, CreateForm, 'create');
    if (!form.ok) return form.failure;
    const { kind, slug, nameZh, nameEn, parent } = form.input;
    const result = await regions.createRegion(sql(), {
      ...form.command,
      kind,
      slug: slug.trim().toLowerCase(),
      nameZh,
      nameEn,
      parentSlug: kind === 'street' && parent !== '' ? parent : null
    });
    return answer('create', result);
  },
  rename: async (event) => {
    const form = await parsed(event, RenameForm, 'rename');
    if (!form.ok) return form.failure;
    return answer('rename', await regions.renameRegion(sql(), { ...form.command, ...form.input }));
  },
  attach: async (event) => {
    const form = await parsed(event, AttachForm, 'attach');
    if (!form.ok) return form.failure;
    const { fund, street } = form.input;
    const result = await regions.attachFund(sql(), {
      ...form.command,
      fundSlug: fund,
      streetSlug: street === '' ? null : street
    });
    return answer('attach', result);
  },
  officer: async (event) => {
    const form = await parsed(event, OfficerForm, 'officer');
    if (!form.ok) return form.failure;
    const { region, loginName } = form.input;
    return answer('officer', await regions.appointOfficer(sql(), { ...form.command, regionSlug: region, loginName }));
  }
};
