import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * Issue 18's deliberation and sign-off routes. The household code slips page is the compound's
 * committee's and the fund administrator's (compound.households.manage), like the register it
 * hangs from; its form is refused as malformed (400) before anything is written. The residents'
 * sign-off page is public; the matrix must not depend on the demo's projects, so its targets
 * name projects that do not exist (every viewer gets 404), and the form posted to one is 404
 * before a code is looked up. The rights on real projects are tested in tests/db/signoff.test.ts.
 */

const PUBLIC: Access = { kind: 'public' };

const compoundRef = (target: Target) => ({ fundId: target.fundId ?? '', compoundId: target.compoundId ?? '' });

const householdsManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'compound.households.manage', compoundRef(target))
};

const nowhere: Access = {
  kind: 'custom',
  why: 'a number that names no project is 404 for everyone, before a code is looked up',
  expected: () => ({ kind: 'not_found' })
};

const MISSING_NUMBER = 987654321;

function projectTargets(fx: Fixture): Target[] {
  const scope = { fundId: fx.fundId, compoundId: null, missing: true };
  return [
    { path: `/f/${fx.fundSlug}/projects/${MISSING_NUMBER}/signoff`, ...scope },
    { path: `/f/${fx.fundSlug}/projects/${fx.applicationSubmittedA ?? 0}/signoff`, ...scope },
    { path: `/f/no-such-fund-at-all/projects/1/signoff`, fundId: null, compoundId: null, missing: true }
  ];
}

export const SIGNOFF_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/compounds/[id]/codes': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/compounds/${fx.compoundA}/codes`, fundId: fx.fundId, compoundId: fx.compoundA },
      { path: `/funds/${fx.fundSlug}/compounds/${fx.compoundB}/codes`, fundId: fx.fundId, compoundId: fx.compoundB },
      {
        path: `/funds/${fx.otherFundSlug}/compounds/${fx.otherCompoundId}/codes`,
        fundId: fx.otherFundId,
        compoundId: fx.otherCompoundId
      },
      // A compound id of another fund under this fund's slug: nobody may see it here.
      {
        path: `/funds/${fx.fundSlug}/compounds/${fx.otherCompoundId}/codes`,
        fundId: fx.fundId,
        compoundId: fx.otherCompoundId,
        missing: true
      }
    ],
    load: householdsManage,
    actions: {
      issue: { access: householdsManage, body: () => ({ key: 'not-a-form-key', mode: 'new' }) }
    },
    endpoints: {}
  },
  '/f/[slug]/projects/[number]/signoff': {
    targets: projectTargets,
    load: PUBLIC,
    actions: {
      default: {
        access: nowhere,
        path: (fx) => `/f/${fx.fundSlug}/projects/${MISSING_NUMBER}/signoff`,
        body: () => ({ code: 'ABCD-EFGH' })
      }
    },
    endpoints: {}
  }
};
