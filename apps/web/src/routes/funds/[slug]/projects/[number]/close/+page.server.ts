import { error, fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import * as closing from '$lib/server/projects/closing';
import { closingRefusalOf } from '$lib/server/projects/closing-refusals';
import { sql } from '$lib/server/platform/database';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { projectFrom } from '../../project.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Closing a project, or cancelling its grant. The page shows the plan first, in figures (the final
 * match, the reservation released, the match returned, the surplus and each household's refund)
 * and only then the button that carries it out; a refused plan says why, with the figure that
 * stops it. Once ended, the page shows the close as recorded, with its vouchers.
 */

export const load: PageServerLoad = async (event) => {
  const { fund, project, ref } = await projectFrom(event);
  const actor = event.locals.actor;
  const ended = await closing.closingView(sql(), project.id);
  const canClose = can(actor, 'project.close', ref).allowed;
  const preview = async (kind: closing.ClosingKind) =>
    ended === null && canClose
      ? await closing.closingPreview(sql(), { fundId: fund.id, number: project.number, kind })
      : null;
  const [close, cancel] = await Promise.all([
    project.status === 'accepted' ? preview('close') : Promise.resolve(null),
    project.status === 'approved' || project.status === 'active' ? preview('cancel') : Promise.resolve(null)
  ]);
  const shaped = (preview: closing.ClosingPreview | null) => {
    if (preview === null) return null;
    if (preview.ok) return { plan: preview.plan, refusal: null };
    const figure = 'figure' in preview ? preview.figure : null;
    return { plan: null, refusal: refusalText(preview.code, figure, event.locals.locale) };
  };
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    project: { number: project.number, title: project.title, status: project.status },
    ended,
    close: shaped(close),
    cancel: shaped(cancel),
    canClose,
    canSeeVouchers: can(actor, 'fund.office.read', { fundId: fund.id }).allowed,
    idempotencyKey: randomUUID(),
    done: event.url.searchParams.get('done') === '1'
  };
};

const CloseForm = v.object({ idempotencyKey: v.pipe(v.string(), v.uuid()) });
const CancelForm = v.object({
  idempotencyKey: v.pipe(v.string(), v.uuid()),
  reason: v.pipe(v.string(), v.maxLength(closing.CLOSING_REASON_LENGTH_MAX))
});

/** What a refusal says, with the figure that limits it, in the visitor's language. */
function refusalText(code: string, figure: string | null, locale: App.Locals['locale']): string {
  return closingRefusalOf({ code, figure }, locale).message;
}

async function commandOf(event: RequestEvent) {
  const { fund, project, ref } = await projectFrom(event);
  // The role is checked here, the state by the use case: a second press after the close must find
  // the first one's outcome (a replay), not a refusal because the project is closed now.
  authorizeCommand(event, 'project.close', ref);
  return {
    fund,
    command: {
      actor: event.locals.actor,
      fundId: fund.id,
      number: project.number,
      now: new Date(),
      ip: clientAddress(event)
    }
  };
}

export const actions: Actions = {
  close: async (event) => {
    const { fund, command } = await commandOf(event);
    const parsed = v.safeParse(CloseForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { action: 'close' as const, errors: { form: m.closing_error_refused() } });
    const result = await closing.closeProject(sql(), { ...command, idempotencyKey: parsed.output.idempotencyKey });
    if (!result.ok) {
      if (result.code === 'project_not_found') error(404, { message: m.error_not_found() });
      const figure = 'figure' in result ? result.figure : null;
      return fail(failureStatusOf(result.code), {
        action: 'close' as const,
        errors: { form: refusalText(result.code, figure, event.locals.locale) }
      });
    }
    redirect(303, `/funds/${fund.slug}/projects/${command.number}/close?done=1`);
  },

  cancel: async (event) => {
    const { fund, command } = await commandOf(event);
    const form = await event.request.formData();
    const reasonText = form.get('reason');
    const values = {
      reason: typeof reasonText === 'string' ? reasonText.slice(0, closing.CLOSING_REASON_LENGTH_MAX + 1) : ''
    };
    const parsed = v.safeParse(CancelForm, Object.fromEntries(form));
    if (!parsed.success) {
      const tooLong = values.reason.length > closing.CLOSING_REASON_LENGTH_MAX;
      return fail(400, {
        action: 'cancel' as const,
        errors: tooLong ? { reason: m.closing_error_reason_short() } : { form: m.closing_error_refused() },
        values
      });
    }
    const result = await closing.cancelProject(sql(), {
      ...command,
      idempotencyKey: parsed.output.idempotencyKey,
      reason: parsed.output.reason
    });
    if (!result.ok) {
      if (result.code === 'project_not_found') error(404, { message: m.error_not_found() });
      const figure = 'figure' in result ? result.figure : null;
      const refusal = closingRefusalOf({ code: result.code, figure }, event.locals.locale);
      return fail(failureStatusOf(result.code), {
        action: 'cancel' as const,
        errors: refusal.field === 'reason' ? { reason: refusal.message } : { form: refusal.message },
        values
      });
    }
    redirect(303, `/funds/${fund.slug}/projects/${command.number}/close?done=1`);
  }
};
