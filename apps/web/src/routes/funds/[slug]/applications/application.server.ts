import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import {
  applicationView,
  submitApplication,
  firstServedCompound,
  matchPreview,
  refOf,
  revisionSnapshot,
  type ApplicationDetail
} from '$lib/server/grants/applications';
import { sql } from '$lib/server/platform/database';
import { applicationRefusalText } from '$lib/server/grants/application-refusals';
import { categoryTermsOf, currentPolicy } from '$lib/server/fund/fund-policy';
import { authorize, authorizeCommand, clientAddress } from '$lib/server/access/guard';
import type { ApplicationRef } from '$lib/server/access/policy';
import { Money, checkOwnersConsent, selfRaiseShares } from '@gongjian/ledger';
import { fundFromSlug } from '../../fund.server';
import type { FundRow } from '$lib/server/people/members';

/** A project number as URLs write it: 1, 2, 3, … without leading zeros. */
const NUMBER = /^[1-9][0-9]{0,8}$/;

type Event = Pick<RequestEvent, 'locals' | 'url'>;

/**
 * The gate of the applications pages before any one application is known: a committee member of
 * the fund, or someone who reads the fund's private pages (see listDecision in lib/server).
 */
export function authorizeList(event: Pick<RequestEvent, 'locals' | 'url'>, fundId: string): void {
  const compoundId = firstServedCompound(event.locals.actor, fundId);
  if (compoundId === null) authorize(event, 'fund.read_private', { fundId });
  else authorize(event, 'application.create', { fundId, compoundId });
}

/**
 * The fund and the application the URL names. An unknown number is 404 only for those who pass
 * the list's gate; anyone else is refused as they would be on the list.
 */
export async function applicationFrom(
  event: Event & { params: { slug: string; number: string } }
): Promise<{ fund: FundRow; detail: ApplicationDetail; ref: ApplicationRef }> {
  const fund = await fundFromSlug(event.params.slug);
  const number = NUMBER.test(event.params.number) ? Number(event.params.number) : null;
  const detail = number === null ? null : await applicationView(sql(), { fundId: fund.id, number });
  if (detail === null) {
    authorizeList(event, fund.id);
    error(404, { message: m.error_not_found() });
  }
  return { fund, detail, ref: refOf(detail, fund.id) };
}

/** The consent check of the resolution under the current policy, for display. */
export interface ConsentView {
  met: boolean;
  presentShareMin: string;
  agreeShareMin: string;
}

/**
 * What the application's pages show beside its rows: the category names, the match (live while
 * the committee holds the application; as computed at submission afterwards), each household's
 * suggested share and the consent check.
 */
export async function presentation(fundId: string, detail: ApplicationDetail) {
  const policy = await currentPolicy(sql(), fundId);
  // Each category with the ratio it really gets, so the committee chooses knowing the terms.
  const categories = policy === null ? [] : categoryTermsOf(policy.policy);
  const live = detail.status === 'draft' || detail.status === 'returned';
  let match: {
    live: boolean;
    policyVersion: number;
    amount: string;
    selfRaised: string;
    working: { 'zh-CN': string[]; en: string[] };
    requested: { match: string; working: { 'zh-CN': string[]; en: string[] } } | null;
  } | null = null;
  let matchCode: string | null = null;
  if (live) {
    const preview = await matchPreview(sql(), { fundId, application: detail, policy });
    if (preview.ok) {
      match = {
        live: true,
        policyVersion: preview.policyVersion,
        amount: preview.decision.match.toString(),
        selfRaised: preview.decision.selfRaised.toString(),
        working: preview.working,
        requested: preview.requested
      };
    } else matchCode = preview.code;
  } else {
    const snapshot = await revisionSnapshot(sql(), { applicationId: detail.id, revision: detail.revision });
    if (snapshot !== null) {
      match = {
        live: false,
        policyVersion: snapshot.policyVersion,
        amount: snapshot.match.amount,
        selfRaised: snapshot.match.selfRaised,
        working: snapshot.working,
        requested: null
      };
    }
  }
  const target = detail.selfRaiseTarget === null ? null : Money.parse(detail.selfRaiseTarget);
  const shares =
    target !== null && target.ok && detail.householdsExpected !== null
      ? selfRaiseShares(target.value, detail.householdsExpected)
      : [];
  let consent: ConsentView | null = null;
  if (detail.resolution !== null && policy !== null) {
    const checked = checkOwnersConsent(detail.resolution, policy.policy.ownersConsent);
    consent = {
      met: checked.ok,
      presentShareMin: policy.policy.ownersConsent.presentShareMin,
      agreeShareMin: policy.policy.ownersConsent.agreeShareMin
    };
  }
  return {
    categories,
    match,
    matchCode,
    shares,
    consent,
    overrideBand: policy?.policy.match.overrideBand ?? null
  };
}

type SubmitEvent = Pick<RequestEvent, 'locals' | 'url' | 'getClientAddress'> & {
  params: { slug: string; number: string };
};

/**
 * Submitting is editing's last step, except that pressing it again after it went through is a
 * replay: the committee is shown the submitted application instead of a refusal. The use case
 * tells the replay from a late form, so the gate asks only about the role.
 */
async function authorizeSubmit(event: SubmitEvent) {
  const found = await applicationFrom(event);
  authorizeCommand(event, 'application.edit', found.ref);
  return found;
}

export async function submitAction(event: SubmitEvent) {
  const { fund, detail } = await authorizeSubmit(event);
  const result = await submitApplication(sql(), {
    actor: event.locals.actor,
    fundId: fund.id,
    number: detail.number,
    now: new Date(),
    ip: clientAddress(event)
  });
  if (!result.ok) {
    if (result.code === 'application_must_be_complete') {
      return fail(400, {
        action: 'submit' as const,
        code: result.code,
        message: applicationRefusalText(result.code),
        missing: result.missing
      });
    }
    return fail(result.code === 'not_allowed' ? 403 : 409, {
      action: 'submit' as const,
      code: result.code,
      message: applicationRefusalText(result.code),
      missing: []
    });
  }
  redirect(303, `/funds/${fund.slug}/applications/${detail.number}?submitted=1`);
}
