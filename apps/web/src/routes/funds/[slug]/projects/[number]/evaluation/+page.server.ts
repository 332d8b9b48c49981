import { fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import * as evaluation from '$lib/server/projects/evaluation';
import { authorizeCommand, clientAddress, publicOrigin } from '$lib/server/access/guard';
import { can } from '$lib/server/access/policy';
import { projectPage, projectSummary } from '../raise/raise.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * The residents' evaluation (评议) of one project: the results (counts, shares and comments) for
 * everyone who may read the project, and for the compound's committee and the fund administrator
 * the forms that issue one-time codes. The codes come back in the answer to the post, once, as a
 * printable sheet of slips; only their hashes are kept, so no page can show them again.
 */

export const load: PageServerLoad = async (event) => {
  const page = await projectPage(event);
  const db = sql();
  return {
    ...projectSummary(page, event.locals),
    evaluable: page.project.status === 'accepted' || page.project.status === 'closed',
    results: await evaluation.evaluationResultsOf(db, page.project.id),
    comments: await evaluation.evaluationCommentsOf(db, page.project.id),
    codes: await evaluation.codeFiguresOf(db, page.project),
    canIssue: can(event.locals.actor, 'project.evaluation.codes', page.ref).allowed,
    // Printed on the slips, so the full address, from the trusted origin (never a forged Host).
    evaluateUrl: `${publicOrigin(event)}/evaluate`,
    key: randomUUID(),
    // Each form has its own key: a reissue is not a replay of the issue sent from the same page.
    reissueKey: randomUUID()
  };
};

const IssueForm = v.object({
  key: v.pipe(v.string(), v.uuid()),
  mode: v.picklist(evaluation.ISSUE_MODES)
});

export const actions: Actions = {
  issue: async (event) => {
    const page = await projectPage(event);
    // The state is the use case's to judge: a form sent again is answered as the first time.
    authorizeCommand(event, 'project.evaluation.codes', page.ref);
    const parsed = v.safeParse(IssueForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { error: m.evaluation_error_invalid() });
    const result = await evaluation.issueEvaluationCodes(sql(), {
      actor: event.locals.actor,
      fundId: page.fund.id,
      number: page.project.number,
      now: new Date(),
      ip: clientAddress(event),
      mode: parsed.output.mode,
      idempotencyKey: parsed.output.key
    });
    if (!result.ok) {
      if (result.code === 'not_allowed' && result.reason !== 'state_does_not_allow_it') {
        return fail(403, { error: m.error_forbidden() });
      }
      return fail(409, { error: m.evaluation_error_state() });
    }
    // The codes travel in this answer only: the page prints them, and they are not kept.
    return { issued: true as const, replayed: result.replayed, mode: parsed.output.mode, slips: result.slips };
  }
};
