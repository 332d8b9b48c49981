import { can, type Action, type ApplicationStatus } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The routes of a project's payouts and spending: who may do what (see RouteEntry in
 * ../route-access.ts).
 *
 * They are tried on the demo fund's entrance-door repair, application #6 of compound A
 * (桂花井3号院), which the demo seed approves and activates, and on a number no application has.
 * A visitor is asked to sign in before the project is looked up; a signed-in visitor then gets 404
 * for a number that is no project, and the policy's project.read for a real one. The commands ask
 * the policy about the role in a state that allows them: a role that may act on a project whose
 * state does not (once the demo's project is accepted or closed by later steps or other files) is
 * answered 409 with a sentence, never 403, so the role alone decides what the matrix sees. Every
 * body is refused before anything is written: a form key that is no key, or a payout no row has.
 */

const DEMO_PROJECT = 6;
const MISSING_NUMBER = 987654321;

let fixture: Fixture | null = null;

/**
 * The gates in the order the pages ask them: signed in, then (for a real project) project.read on
 * #6 of compound A, then the command's own action in a state that allows it.
 */
function projectGate(action: Extract<Action, `project.${string}`>, status: ApplicationStatus = 'active'): Access {
  return {
    kind: 'policy',
    decide: (actor, target) => {
      const signedIn = can(actor, 'account.use', null);
      if (!signedIn.allowed || fixture === null || target.missing) return signedIn;
      const project = { fundId: target.fundId ?? '', compoundId: fixture.compoundA, applicantUnitId: null, status };
      const read = can(actor, 'project.read', project);
      return read.allowed ? can(actor, action, project) : read;
    }
  };
}

function targets(fx: Fixture, suffix: string): Target[] {
  fixture = fx;
  return [
    { path: `/funds/${fx.fundSlug}/projects/${DEMO_PROJECT}${suffix}`, fundId: fx.fundId, compoundId: fx.compoundA },
    {
      path: `/funds/${fx.fundSlug}/projects/${MISSING_NUMBER}${suffix}`,
      fundId: fx.fundId,
      compoundId: fx.compoundA,
      missing: true
    },
    { path: `/funds/${fx.fundSlug}/projects/06${suffix}`, fundId: fx.fundId, compoundId: fx.compoundA, missing: true }
  ];
}

const projectRead = projectGate('project.read');

export const PAY_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/projects/[number]/payouts': {
    targets: (fx) => targets(fx, '/payouts'),
    load: projectRead,
    actions: {
      // Not a form key: refused as invalid (400) before anything is asked of the books.
      request: {
        access: projectGate('project.payout.request'),
        body: () => ({ key: 'x', amount: '1.00', payeeKind: 'committee' })
      },
      // No payout has this id: 404 for whoever may approve, before anything is paid.
      approve: { access: projectGate('project.payout.approve'), body: (fx) => ({ payoutId: fx.missingId }) },
      // The page lets every reader in; the use case then lets only the requester or a fund
      // administrator withdraw a payout, so with no such payout the others are refused (403) and
      // a fund administrator is told it does not exist (404).
      cancel: { access: projectGate('project.payout.request'), body: (fx) => ({ payoutId: fx.missingId }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/expenses': {
    targets: (fx) => targets(fx, '/expenses'),
    load: projectRead,
    actions: {
      // Not a form key: refused as invalid (400) before any attachment is stored or entry posted.
      record: { access: projectGate('project.expense'), body: () => ({ key: 'x', amount: '1.00' }) }
    },
    endpoints: {}
  }
};
