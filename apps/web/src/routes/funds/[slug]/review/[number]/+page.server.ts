import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formatMoney } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { calendarGapOf } from '$lib/server/fund/calendar';
import { sql } from '$lib/server/platform/database';
import { allows, authorize, authorizeCommand, clientAddress } from '$lib/server/access/guard';
import { failureStatusOf } from '$lib/server/platform/form-errors';
import { can } from '$lib/server/access/policy';
import * as review from '$lib/server/grants/review';
import { PRECHECK_REFUSALS, REVIEW_REFUSED, voteRefusals } from '$lib/server/grants/review-refusals';
import { refusalMessage } from '$lib/server/platform/refusal-messages';
import { applicationView } from '$lib/server/grants/applications';
import { fundFromSlug } from '../../../fund.server';
import { presentation } from '../../applications/application.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * One application under review: everything a reviewer needs (the application, its budget and
 * owners' meeting, the computed match, the compound's history and yearly quota, the pool, the
 * votes so far and the recusals), with the pre-check form for the fund administrator and the vote
 * form for a leader who may vote. A recused leader sees why they cannot. Beside the review's own
 * figures stand what the vote rests on, as the application's page shows it (the match's working,
 * each household's share, the owners' meeting with its minutes, the quotes), and what changed
 * since the previous revision.
 */

const NUMBER = /^[1-9][0-9]{0,8}$/;

function numberOf(event: Pick<RequestEvent, 'params'>): number {
  if (!NUMBER.test(event.params.number)) error(404, { message: m.error_not_found() });
  return Number(event.params.number);
}

async function viewOf(event: RequestEvent | Parameters<PageServerLoad>[0]) {
  const fund = await fundFromSlug(event.params.slug);
  authorize(event, 'fund.office.read', { fundId: fund.id });
  const number = numberOf(event);
  const view = await review.reviewView(sql(), { actor: event.locals.actor, fundId: fund.id, number });
  if (view === null) error(404, { message: m.error_not_found() });
  const ref = {
    fundId: fund.id,
    compoundId: view.application.compoundId,
    applicantUnitId: view.application.applicantUnitId,
    status: view.application.status
  };
  authorize(event, 'application.read', ref);
  return { fund, number, view, ref };
}

export const load: PageServerLoad = async (event) => {
  const { fund, view, ref } = await viewOf(event);
  const actor = event.locals.actor;
  const isLeader = allows(event, 'fund.leadership.seat', { fundId: fund.id });
  return {
    fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn },
    ...view,
    canPrecheck: can(actor, 'application.precheck', ref).allowed,
    canVote: !view.viewerVoted && !view.viewerRecused && can(actor, 'application.vote', ref).allowed,
    isLeader,
    done: event.url.searchParams.get('done'),
    // The notice's end, when it waits for a year of the working-day calendar, and who may enter it.
    calendarGap:
      view.application.status === 'approved'
        ? await calendarGapOf(sql(), { fundId: fund.id, number: view.application.number })
        : { years: [], notices: [] },
    canEnterCalendar: can(actor, 'platform.calendar.manage', null).allowed,
    ...(await groundsOf(fund.id, view.application))
  };
};

/**
 * What the vote rests on, read as the application's own page reads it (the same presentation, so
 * the match's working and the shares come from the ledger's rules once), and the changes from the
 * previous revision.
 */
async function groundsOf(fundId: string, application: { id: string; number: number; revision: number }) {
  const [detail, changes] = await Promise.all([
    applicationView(sql(), { fundId, number: application.number }),
    review.revisionChanges(sql(), { applicationId: application.id, revision: application.revision })
  ]);
  if (detail === null) return { grounds: null, changes };
  const shown = await presentation(fundId, detail);
  return {
    grounds: {
      application: detail,
      categories: shown.categories,
      match: shown.match,
      shares: shown.shares,
      consent: shown.consent
    },
    changes
  };
}

const PrecheckForm = v.object({
  outcome: v.picklist(review.PRECHECK_OUTCOMES),
  comments: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(review.COMMENTS_LENGTH_MAX)), '')
});

const VoteForm = v.object({
  choice: v.picklist(review.VOTE_CHOICES_FORM),
  overrideRatio: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(10)), ''),
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(review.COMMENTS_LENGTH_MAX)), '')
});

function textOf(form: FormData, key: string): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, review.COMMENTS_LENGTH_MAX) : '';
}

export const actions: Actions = {
  precheck: async (event) => {
    const { fund, number, ref } = await viewOf(event);
    // A pre-check sent again finds the application moved on by its first press: the use case
    // tells that replay from a late form, so the state is not asked about here.
    authorizeCommand(event, 'application.precheck', ref);
    const form = await event.request.formData();
    const values = { outcome: textOf(form, 'outcome'), comments: textOf(form, 'comments') };
    const parsed = v.safeParse(PrecheckForm, Object.fromEntries(form));
    if (!parsed.success) {
      return fail(400, { action: 'precheck' as const, errors: { form: m.review_error_invalid() }, values });
    }
    const result = await review.precheck(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number,
      outcome: parsed.output.outcome,
      comments: parsed.output.comments,
      now: new Date(),
      ip: clientAddress(event)
    });
    if (result.ok) return { action: 'precheck' as const, done: true };
    const refusal = refusalMessage(PRECHECK_REFUSALS, result.code, REVIEW_REFUSED);
    return fail(failureStatusOf(result.code), {
      action: 'precheck' as const,
      errors: { [refusal.field]: refusal.message },
      values
    });
  },

  vote: async (event) => {
    const { fund, number, ref, view } = await viewOf(event);
    // As for the pre-check: the deciding vote sent again finds the application approved.
    authorizeCommand(event, 'application.vote', ref);
    const form = await event.request.formData();
    const values = {
      choice: textOf(form, 'choice'),
      overrideRatio: textOf(form, 'overrideRatio').slice(0, 10),
      reason: textOf(form, 'reason')
    };
    const parsed = v.safeParse(VoteForm, Object.fromEntries(form));
    if (!parsed.success) {
      return fail(400, { action: 'vote' as const, errors: { form: m.review_error_invalid() }, values });
    }
    const { choice, overrideRatio, reason } = parsed.output;
    const band = { min: view.policy?.overrideMin ?? '0', max: view.policy?.overrideMax ?? '1' };
    if (choice === 'override' && overrideRatio === '') {
      return fail(400, { action: 'vote' as const, errors: { overrideRatio: m.review_error_ratio(band) }, values });
    }
    const result = await review.castVote(sql(), {
      actor: event.locals.actor,
      fundId: fund.id,
      number,
      choice: choice === 'override' ? 'approve' : choice,
      overrideRatio: choice === 'override' ? overrideRatio : null,
      reason,
      now: new Date(),
      ip: clientAddress(event)
    });
    const locale = event.locals.locale;
    if (result.ok) return { action: 'vote' as const, done: true, quotaShort: quotaShortOf(result, locale) };
    const available = result.code === 'pool_cannot_cover_the_match' ? formatMoney(result.available, locale) : '';
    const refusal = refusalMessage(voteRefusals({ band, available }), result.code, REVIEW_REFUSED);
    return fail(failureStatusOf(result.code), {
      action: 'vote' as const,
      errors: { [refusal.field]: refusal.message },
      values
    });
  }
};

/** The sentence telling the leaders that the approval went back for the quota, or null. */
function quotaShortOf(result: review.CastVoteResult & { ok: true }, locale: Locale): string | null {
  const short = result.quotaShort;
  if (short === undefined) return null;
  return m.review_vote_returned_quota({
    left: formatMoney(short.left, locale),
    match: formatMoney(short.match, locale)
  });
}
