import { listDecision } from '../../../apps/web/src/lib/server/grants/applications';
import { can, type Actor, type ApplicationRef, type Decision } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Expected, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The routes of this feature: who may do what (see RouteEntry in ../route-access.ts).
 *
 * The pages of one application are judged by the policy about that application, so the entries
 * need its compound and status. The fixture's applications (a draft and a submitted one of
 * compound A, made by createWorld) are remembered here by number when the targets are built, and
 * each decision looks the number in the path up; a number that names nothing falls back to the
 * list's gate (and an allowed visitor then gets 404).
 */

const known = new Map<string, ApplicationRef>();

function remember(fx: Fixture): { draft: number; submitted: number } {
  const draft = fx.applicationDraftA ?? 0;
  const submitted = fx.applicationSubmittedA ?? 0;
  const ref = (status: ApplicationRef['status']): ApplicationRef => ({
    fundId: fx.fundId,
    compoundId: fx.compoundA,
    applicantUnitId: null,
    status
  });
  known.set(`${fx.fundSlug}/${draft}`, ref('draft'));
  known.set(`${fx.fundSlug}/${submitted}`, ref('submitted'));
  return { draft, submitted };
}

function refOf(target: Target): ApplicationRef | null {
  const match = /^\/funds\/([^/]+)\/applications\/([^/?]+)/.exec(target.path);
  return match === null ? null : (known.get(`${match[1] ?? ''}/${match[2] ?? ''}`) ?? null);
}

const list: Access = { kind: 'policy', decide: (actor, target) => listDecision(actor, target.fundId ?? '') };

/** The policy about the application in the path, or the list's gate when the path names none. */
function about(decide: (actor: Actor, ref: ApplicationRef) => Decision): Access {
  return {
    kind: 'policy',
    decide: (actor, target) => {
      const ref = refOf(target);
      return ref === null ? listDecision(actor, target.fundId ?? '') : decide(actor, ref);
    }
  };
}

const read = about((actor, ref) => can(actor, 'application.read', ref));
const edit = about((actor, ref) => can(actor, 'application.edit', ref));
const withdraw = about((actor, ref) => can(actor, 'application.withdraw', ref));

/**
 * Submitting is editing, except that a committee pressing Submit again on what it already
 * submitted is sent to the application (a replay), not refused.
 */
const submit = about((actor, ref) =>
  ref.status === 'submitted' &&
  can(actor, 'application.create', { fundId: ref.fundId, compoundId: ref.compoundId }).allowed
    ? { allowed: true }
    : can(actor, 'application.edit', ref)
);

/** What lib/server/access/guard.ts does with a refusal (as expectedOfDecision in ../route-access.ts). */
function guarded(decision: Decision, path: string): Expected {
  if (decision.allowed) return { kind: 'allow' };
  if (decision.reason === 'sign_in_required') {
    return { kind: 'redirect', location: `/login?next=${encodeURIComponent(path)}` };
  }
  if (decision.reason === 'second_factor_enrolment_required') {
    return { kind: 'redirect', location: '/account/totp?required=1' };
  }
  if (decision.reason === 'state_does_not_allow_it') return { kind: 'conflict' };
  return { kind: 'forbidden' };
}

/** The form of a submitted application is closed: its committee is sent to the application. */
const editForm: Access = {
  kind: 'custom',
  why: 'the form of an application its committee can no longer edit redirects to the application',
  expected: (viewer, target) => {
    const ref = refOf(target);
    if (ref === null) return guarded(listDecision(viewer.actor, target.fundId ?? ''), target.path);
    const decision = can(viewer.actor, 'application.edit', ref);
    if (!decision.allowed && decision.reason === 'state_does_not_allow_it') {
      return { kind: 'redirect', location: target.path.replace(/\/edit.*$/, '') };
    }
    return guarded(decision, target.path);
  }
};

const MISSING_NUMBER = 987654321;

/** A well-formed hash that names no file: the applications' own files are checked in tests/db. */
const HASH_NONE = '0'.repeat(64);

function applicationTargets(fx: Fixture, suffix: string): Target[] {
  const { draft, submitted } = remember(fx);
  const scope = { fundId: fx.fundId, compoundId: fx.compoundA };
  return [
    { path: `/funds/${fx.fundSlug}/applications/${draft}${suffix}`, ...scope },
    { path: `/funds/${fx.fundSlug}/applications/${submitted}${suffix}`, ...scope },
    { path: `/funds/${fx.fundSlug}/applications/${MISSING_NUMBER}${suffix}`, ...scope, missing: true },
    { path: `/funds/${fx.fundSlug}/applications/01${suffix}`, ...scope, missing: true },
    // The other fund has no applications: its own committee (the resident) gets 404.
    {
      path: `/funds/${fx.otherFundSlug}/applications/${draft}${suffix}`,
      fundId: fx.otherFundId,
      compoundId: fx.otherCompoundId,
      missing: true
    }
  ];
}

export const APPLICATIONS_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/applications': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/applications`, fundId: fx.fundId, compoundId: fx.compoundA },
      { path: `/funds/${fx.otherFundSlug}/applications`, fundId: fx.otherFundId, compoundId: fx.compoundA }
    ],
    load: list,
    actions: {
      // Compound A without the form's key: its committee is refused as invalid (400), nothing made.
      create: {
        access: {
          kind: 'policy',
          decide: (actor, target) =>
            can(actor, 'application.create', { fundId: target.fundId ?? '', compoundId: target.compoundId ?? '' })
        },
        body: (fx) => ({ compoundId: fx.compoundA })
      }
    },
    endpoints: {}
  },
  '/funds/[slug]/applications/[number]': {
    targets: (fx) => applicationTargets(fx, ''),
    load: read,
    actions: {
      // The draft is empty, so a submit is refused as incomplete; the submitted one is a replay.
      submit: { access: submit, body: () => ({}) },
      // Without the confirmation box ticked: refused (400), nothing withdrawn.
      withdraw: { access: withdraw, body: () => ({}) }
    },
    endpoints: {}
  },
  '/funds/[slug]/applications/[number]/edit': {
    targets: (fx) => applicationTargets(fx, '/edit'),
    load: editForm,
    // Each body is refused by the step's checks (400), so the draft stays as it was.
    actions: {
      basics: { access: edit, body: () => ({ title: '' }) },
      budget: { access: edit, body: () => ({}) },
      match: { access: edit, body: () => ({ requestedRatio: 'abc' }) },
      selfraise: { access: edit, body: () => ({}) },
      meeting: { access: edit, body: () => ({ meetingDate: 'x' }) },
      quote: { access: edit, body: () => ({}) },
      quoteRemove: { access: edit, body: () => ({ sha256: 'x' }) },
      submit: { access: submit, body: () => ({}) }
    },
    endpoints: {}
  },
  '/funds/[slug]/applications/[number]/attachments/[sha256]': {
    // No file of that hash is attached to any of them, so whoever may read the application gets 404.
    targets: (fx) =>
      applicationTargets(fx, `/attachments/${HASH_NONE}`).map((target) => ({ ...target, missing: true })),
    load: 'none',
    actions: {},
    endpoints: { GET: read }
  }
};
