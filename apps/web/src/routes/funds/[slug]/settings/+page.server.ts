import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { fundProfile, updateFundProfile } from '$lib/server/fund/fund-office';
import { adoptPolicy, categoryTermsOf, currentPolicy, policyHistory } from '$lib/server/fund/fund-policy';
import { authorize, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { fundFromSlug } from '../../fund.server';
import { EXTRA_CATEGORY_ROWS, policyFromValues, valuesOfForm, valuesOfPolicy } from './policy-form';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * A fund's settings: its profile and its matching policy. The office, the leadership group and
 * the supervisor read them; only the fund administrator changes them. Adopting a policy never
 * edits one: it adds the next version, and the form carries the version it showed so that two
 * people editing at once cannot overwrite each other unseen.
 */

export const load: PageServerLoad = async (event) => {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const [profile, policy, history] = await Promise.all([
    fundProfile(sql(), fund.id),
    currentPolicy(sql(), fund.id),
    policyHistory(sql(), fund.id)
  ]);
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    profile,
    policy: policy === null ? null : { version: policy.version, adoptedAt: policy.adoptedAt },
    policyValues: valuesOfPolicy(policy?.policy ?? null),
    categoryTerms: policy === null ? [] : categoryTermsOf(policy.policy),
    ratioDefault: policy?.policy.match.ratioDefault ?? null,
    extraCategoryRows: EXTRA_CATEGORY_ROWS,
    history,
    canManage: can(event.locals.actor, 'fund.office.manage', { fundId: fund.id }).allowed
  };
};

const Text = (max: number, min = 0) => v.pipe(v.string(), v.trim(), v.minLength(min), v.maxLength(max));

const ProfileForm = v.object({
  nameZh: Text(60, 1),
  nameEn: Text(60, 1),
  community: v.optional(Text(60), ''),
  street: v.optional(Text(60), ''),
  description: v.optional(Text(2000), ''),
  fiscalYear: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[0-9]{4}$/),
    v.toNumber(),
    v.integer(),
    v.minValue(2000),
    v.maxValue(2100)
  )
});
type ProfileField = keyof v.InferOutput<typeof ProfileForm>;

const profileMessages: Record<ProfileField, () => string> = {
  nameZh: () => m.office_error_name(),
  nameEn: () => m.office_error_name(),
  community: () => m.office_error_short_text(),
  street: () => m.office_error_short_text(),
  description: () => m.office_error_description(),
  fiscalYear: () => m.office_error_fiscal_year()
};

const BaseVersion = v.object({
  baseVersion: v.optional(v.union([v.literal(''), v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,8}$/))]), '')
});

async function commandFor(event: RequestEvent) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.manage', { fundId: fund.id });
  return { actor: event.locals.actor, fundId: fund.id, now: new Date(), ip: clientAddress(event) };
}

function textOf(form: Record<string, FormDataEntryValue>, key: string, max: number): string {
  const value = form[key];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export const actions: Actions = {
  profile: async (event) => {
    const command = await commandFor(event);
    const form = Object.fromEntries(await event.request.formData());
    const values = {
      nameZh: textOf(form, 'nameZh', 100),
      nameEn: textOf(form, 'nameEn', 100),
      community: textOf(form, 'community', 100),
      street: textOf(form, 'street', 100),
      description: textOf(form, 'description', 2100),
      fiscalYear: textOf(form, 'fiscalYear', 10)
    };
    const parsed = v.safeParse(ProfileForm, form);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.issues) {
        const key = issue.path?.[0]?.key as ProfileField | undefined;
        if (key !== undefined && key in profileMessages && !(key in errors)) errors[key] = profileMessages[key]();
      }
      return fail(400, { action: 'profile' as const, code: 'invalid_input' as const, errors, values });
    }
    const result = await updateFundProfile(sql(), { ...command, profile: parsed.output });
    if (!result.ok) {
      return fail(403, {
        action: 'profile' as const,
        code: result.code,
        message: m.office_error_not_allowed(),
        values
      });
    }
    return { action: 'profile' as const, done: m.office_profile_saved() };
  },

  policy: async (event) => {
    const command = await commandFor(event);
    const form = Object.fromEntries(await event.request.formData());
    const values = valuesOfForm(form);
    const base = v.safeParse(BaseVersion, form);
    const fromForm = policyFromValues(values);
    if (!base.success || !fromForm.ok) {
      const errors = fromForm.ok ? {} : fromForm.errors;
      return fail(400, { action: 'policy' as const, code: 'invalid_input' as const, errors, values });
    }
    const baseVersion = base.output.baseVersion === '' ? null : Number(base.output.baseVersion);
    const result = await adoptPolicy(sql(), {
      ...command,
      policy: fromForm.policy,
      baseVersion,
      note: values.note
    });
    if (!result.ok) {
      if (result.code === 'not_allowed') {
        return fail(403, {
          action: 'policy' as const,
          code: result.code,
          message: m.office_error_not_allowed(),
          values
        });
      }
      return fail(409, {
        action: 'policy' as const,
        code: result.code,
        message: m.policy_error_changed({ version: String(result.version) }),
        values
      });
    }
    return { action: 'policy' as const, done: m.policy_adopted({ version: String(result.version) }) };
  }
};
