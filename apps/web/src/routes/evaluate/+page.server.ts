import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import * as evaluation from '$lib/server/projects/evaluation';
import { evaluationCodeRefusalOf } from '$lib/server/projects/evaluation-refusals';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { authorize, clientAddress } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

/**
 * The residents' evaluation (评议), public and without an account: a resident types the one-time
 * code the committee handed out, sees which project it is for, rates it with an optional comment,
 * and then sees the results so far. Each step is a plain form post, so it works without
 * JavaScript. Wrong codes count against the visitor's address, as failed sign-ins do.
 */

const NUMBER = /^[1-9][0-9]{0,8}$/;

export const load: PageServerLoad = async (event) => {
  authorize(event, 'public.read', null);
  const slug = event.url.searchParams.get('fund');
  const number = event.url.searchParams.get('project');
  const shown =
    slug !== null && number !== null && NUMBER.test(number)
      ? await evaluation.publicResultsOf(sql(), { slug, number: Number(number) })
      : null;
  return { shown, thanks: shown !== null && event.url.searchParams.get('thanks') === '1' };
};

const CodeForm = v.object({ code: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40)) });

const RateForm = v.object({
  code: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(40)),
  rating: v.picklist(evaluation.RATINGS),
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(evaluation.COMMENT_LENGTH_MAX)), '')
});

function textOf(form: FormData, key: string, max: number): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** A refused code: back to the first step, with what is wrong and, for a used code, its results. */
function codeRefused(refusal: evaluation.CodeRefusal, code: string, now: Date, locale: App.Locals['locale']) {
  // The code is the step's one field: every refusal of it is said there.
  const { message } = evaluationCodeRefusalOf(refusal, now, locale);
  const used =
    refusal.code === 'code_was_used' ? { fundSlug: refusal.project.fundSlug, number: refusal.project.number } : null;
  return fail(failureStatusOf(refusal.code), {
    step: 'code' as const,
    errors: { code: message },
    values: { code },
    used
  });
}

export const actions: Actions = {
  check: async (event) => {
    authorize(event, 'public.read', null);
    const form = await event.request.formData();
    const code = textOf(form, 'code', 40);
    const parsed = v.safeParse(CodeForm, Object.fromEntries(form));
    if (!parsed.success) {
      return fail(400, {
        step: 'code' as const,
        errors: { code: m.evaluation_public_error_code() },
        values: { code },
        used: null
      });
    }
    const now = new Date();
    const result = await evaluation.checkEvaluationCode(sql(), {
      code: parsed.output.code,
      ip: clientAddress(event),
      now
    });
    if (!result.ok) return codeRefused(result, code, now, event.locals.locale);
    return { step: 'rate' as const, code: evaluation.formatCode(result.code), project: result.project };
  },

  rate: async (event) => {
    authorize(event, 'public.read', null);
    const form = await event.request.formData();
    const values = {
      code: textOf(form, 'code', 40),
      rating: textOf(form, 'rating', 40),
      comment: textOf(form, 'comment', evaluation.COMMENT_LENGTH_MAX + 100)
    };
    if (values.code.trim() === '') {
      return fail(400, {
        step: 'code' as const,
        errors: { code: m.evaluation_public_error_code() },
        values: { code: '' },
        used: null
      });
    }
    const now = new Date();
    const ip = clientAddress(event);
    // The code first, so that a refused rating comes back to the same project's form.
    const checked = await evaluation.checkEvaluationCode(sql(), { code: values.code, ip, now });
    if (!checked.ok) return codeRefused(checked, values.code, now, event.locals.locale);
    const parsed = v.safeParse(RateForm, Object.fromEntries(form));
    if (!parsed.success) {
      const errors: { rating?: string; comment?: string } = {};
      for (const issue of parsed.issues) {
        const key = issue.path?.[0]?.key;
        if (key === 'comment') errors.comment = m.evaluation_public_error_comment();
        else errors.rating ??= m.evaluation_public_error_rating();
      }
      return fail(400, {
        step: 'rate' as const,
        code: evaluation.formatCode(checked.code),
        project: checked.project,
        errors,
        values
      });
    }
    const result = await evaluation.submitEvaluation(sql(), { ...parsed.output, ip, now });
    if (!result.ok) {
      if (result.code === 'comment_is_too_long' || result.code === 'rating_is_unknown') {
        return fail(400, {
          step: 'rate' as const,
          code: evaluation.formatCode(checked.code),
          project: checked.project,
          errors:
            result.code === 'comment_is_too_long'
              ? { comment: m.evaluation_public_error_comment() }
              : { rating: m.evaluation_public_error_rating() },
          values
        });
      }
      return codeRefused(result, values.code, now, event.locals.locale);
    }
    const { fundSlug, number } = result.project;
    redirect(303, `/evaluate?fund=${encodeURIComponent(fundSlug)}&project=${number}&thanks=1`);
  }
};
