import { can, type ApplicationRef } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The routes of the review: who may do what (see RouteEntry in ../route-access.ts).
 *
 * The review of one application is judged by fund.office.read and then application.read about
 * that application, so the entries use the fixture's submitted application of compound A (made
 * by createWorld). The public notice pages are tried with a number no application has, so that
 * the matrix never depends on what the demo seed approved: every visitor gets 404 there, except
 * where a gate comes first (deciding objections is the fund administrator's, checked before the
 * notice is looked up).
 */

const officeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.read', { fundId: target.fundId ?? '' })
};

function submittedA(fx: Fixture): ApplicationRef {
  return { fundId: fx.fundId, compoundId: fx.compoundA, applicantUnitId: null, status: 'submitted' };
}

let fixture: Fixture | null = null;

/** fund.office.read, then application.read about the application in the path (submitted, compound A). */
const reviewRead: Access = {
  kind: 'policy',
  decide: (actor, target) => {
    const office = can(actor, 'fund.office.read', { fundId: target.fundId ?? '' });
    if (!office.allowed || fixture === null || target.fundId !== fixture.fundId) return office;
    return can(actor, 'application.read', submittedA(fixture));
  }
};

function then(first: Access, second: (fx: Fixture) => Access): Access {
  return {
    kind: 'policy',
    decide: (actor, target) => {
      if (first.kind !== 'policy') throw new Error('then() takes policy gates');
      const decision = first.decide(actor, target);
      if (!decision.allowed || fixture === null) return decision;
      const next = second(fixture);
      return next.kind === 'policy' ? next.decide(actor, target) : decision;
    }
  };
}

const precheck = then(reviewRead, (fx) => ({
  kind: 'policy',
  decide: (actor) => can(actor, 'application.precheck', submittedA(fx))
}));

// The vote's gate asks about the role only (guard.authorizeCommand): the stage is the use case's
// to judge, since a vote sent again finds the application decided. So the matrix asks the
// policy about a state that allows a vote.
const vote = then(reviewRead, (fx) => ({
  kind: 'policy',
  decide: (actor) => can(actor, 'application.vote', { ...submittedA(fx), status: 'in_review' })
}));

const noticeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'notice.read', { fundId: target.fundId ?? '' })
};

const objectionDecide: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'objection.decide', { fundId: target.fundId ?? '' })
};

const accountUse: Access = { kind: 'policy', decide: (actor) => can(actor, 'account.use', null) };

/** A notice number that no application has. */
const NO_NOTICE = 987654321;

function noticeTargets(fx: Fixture, suffix = ''): Target[] {
  return [
    { path: `/funds/${fx.fundSlug}/notices/${NO_NOTICE}${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    {
      path: `/funds/${fx.otherFundSlug}/notices/1${suffix}`,
      fundId: fx.otherFundId,
      compoundId: null,
      missing: true
    }
  ];
}

export const REVIEW_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/review': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/review`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/review`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/review/[number]': {
    targets: (fx) => {
      fixture = fx;
      return [
        { path: `/funds/${fx.fundSlug}/review/${fx.applicationSubmittedA ?? 0}`, fundId: fx.fundId, compoundId: null },
        { path: `/funds/${fx.fundSlug}/review/${NO_NOTICE}`, fundId: fx.fundId, compoundId: null, missing: true }
      ];
    },
    load: reviewRead,
    actions: {
      // An outcome that does not exist: refused as invalid (400) before anything is recorded.
      precheck: { access: precheck, body: () => ({ outcome: 'nothing' }) },
      // A choice that does not exist: refused as invalid (400) before the stage is even asked about.
      vote: { access: vote, body: () => ({ choice: 'nothing' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/notices/[number]': {
    targets: (fx) => noticeTargets(fx),
    load: noticeRead,
    actions: {
      // No such notice: 404 for everyone, before any objection is written.
      object: { access: noticeRead, body: () => ({ name: '', contact: '', body: '' }) },
      decide: { access: objectionDecide, body: () => ({ objectionId: '1', outcome: 'nothing', note: '' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/notices/[number]/print': {
    targets: (fx) => noticeTargets(fx, '/print'),
    load: noticeRead,
    actions: {},
    endpoints: {}
  },
  '/inbox': {
    targets: () => [{ path: '/inbox', fundId: null, compoundId: null }],
    load: accountUse,
    actions: {
      // Not a notification id: refused as invalid (400), nothing marked.
      read: { access: accountUse, body: () => ({ notificationId: 'x' }) }
    },
    endpoints: {}
  }
};
