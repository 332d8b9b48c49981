import { can, type Action, type ApplicationStatus } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The routes of self-raising, receipts and the residents' evaluation: who may do what (see
 * RouteEntry in ../route-access.ts).
 *
 * They are tried on the demo fund's entrance-door repair, application #6 of compound A (桂花井3号院),
 * which the demo seed approves and activates. Its state changes as later demo steps and other test
 * files move it on (active, accepted, closed), so the entries ask the policy about a state in
 * which each command is allowed: the pages answer a role that may act but a state that does not
 * allow it with 409 and a sentence, never 403, so the role alone decides what the matrix sees.
 * Reading the project is allowed in every state a project can be in.
 */

const DEMO_PROJECT = 6;

let fixture: Fixture | null = null;

/**
 * The gates in the order the routes ask them: signed in (a visitor without a session is sent to
 * sign in), then project.read on project #6, then the command's own action, each about the state
 * given. The first refusal is the answer, as in the routes.
 */
function projectGate(action: Extract<Action, `project.${string}`> | null, status: ApplicationStatus): Access {
  return {
    kind: 'policy',
    decide: (actor, target) => {
      const signedIn = can(actor, 'account.use', null);
      if (!signedIn.allowed || fixture === null) return signedIn;
      const project = { fundId: target.fundId ?? '', compoundId: fixture.compoundA, applicantUnitId: null };
      const read = can(actor, 'project.read', { ...project, status: 'active' });
      if (!read.allowed || action === null) return read;
      return can(actor, action, { ...project, status });
    }
  };
}

const projectRead = projectGate(null, 'active');

function projectTarget(fx: Fixture, suffix: string, missing = false): Target {
  fixture = fx;
  return {
    path: `/funds/${fx.fundSlug}/projects/${DEMO_PROJECT}${suffix}`,
    fundId: fx.fundId,
    compoundId: fx.compoundA,
    ...(missing ? { missing: true } : {})
  };
}

const PUBLIC: Access = { kind: 'public' };

export const RAISE_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/projects/[number]/raise': {
    targets: (fx) => [projectTarget(fx, '/raise')],
    load: projectRead,
    actions: {
      // Not a form key: refused as invalid (400) before anything is recorded.
      record: { access: projectGate('project.raise', 'active'), body: () => ({ key: 'x' }) },
      // The checklist: not a form key either, so refused as invalid (400) before anything is recorded.
      checklist: { access: projectGate('project.raise', 'active'), body: () => ({ key: 'x' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/receipts/[id]': {
    // No payment has this id: whoever may read the project gets 404, after the policy.
    targets: (fx) => [projectTarget(fx, `/receipts/${fx.missingId}`, true)],
    load: projectRead,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/evaluation': {
    targets: (fx) => [projectTarget(fx, '/evaluation')],
    load: projectRead,
    actions: {
      // Not a form key: refused as invalid (400) before any code is issued.
      issue: { access: projectGate('project.evaluation.codes', 'accepted'), body: () => ({ key: 'x', mode: 'new' }) }
    },
    endpoints: {}
  },
  '/evaluate': {
    targets: () => [{ path: '/evaluate', fundId: null, compoundId: null }],
    load: PUBLIC,
    actions: {
      // An empty code: refused as incomplete (400) before any code is looked up or counted.
      check: { access: PUBLIC, body: () => ({ code: '' }) },
      rate: { access: PUBLIC, body: () => ({ code: '', rating: 'satisfied', comment: '' }) }
    },
    endpoints: {}
  }
};
