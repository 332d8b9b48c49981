import { listDecision } from '../../../apps/web/src/lib/server/grants/applications';
import { expectedOfDecision, type Access, type Fixture, type RouteEntry, type Target } from '../route-access';

/**
 * The routes of the project list, one project's page and statement, its acceptance check (and
 * the photos of it) and its close: who may do what (see RouteEntry in ../route-access.ts).
 *
 * Every project page asks the list's gate (a committee member of the fund, or someone who reads
 * its private pages) before it looks the project up, and then project.read about the project.
 * The matrix must not depend on what the demo seed made of its applications, so the targets name
 * projects that do not exist: a number no application has, and the fixture's submitted
 * application, which is not a project until it is approved. An allowed visitor gets 404 there,
 * and every form action is refused before anything is written. The policy about real projects is
 * tested in tests/db/acceptance.test.ts, tests/db/closing.test.ts and tests/e2e/projects.test.ts.
 */

const list: Access = { kind: 'policy', decide: (actor, target) => listDecision(actor, target.fundId ?? '') };

let fixture: Fixture | null = null;

/**
 * A form action posted to a project that does not exist. The matrix posts only to targets that
 * exist, so each action names its own URL (`path`): the list's gate decides, and whoever passes
 * it gets 404 before anything is read or written.
 */
const missingProject: Access = {
  kind: 'custom',
  why: 'the list gate comes first; a number that names no project is 404 for whoever passes it',
  expected: (viewer, target) => {
    const decision = listDecision(viewer.actor, fixture?.fundId ?? '');
    if (decision.allowed) return { kind: 'not_found' };
    return expectedOfDecision(decision, target.path);
  }
};

function missingPath(suffix: string): (fx: Fixture) => string {
  return (fx) => {
    fixture = fx;
    return `/funds/${fx.fundSlug}/projects/${MISSING_NUMBER}${suffix}`;
  };
}

const MISSING_NUMBER = 987654321;

/** A well-formed hash that names no photo. */
const HASH_NONE = '0'.repeat(64);

function projectTargets(fx: Fixture, suffix: string): Target[] {
  const scope = { fundId: fx.fundId, compoundId: fx.compoundA, missing: true };
  return [
    { path: `/funds/${fx.fundSlug}/projects/${MISSING_NUMBER}${suffix}`, ...scope },
    { path: `/funds/${fx.fundSlug}/projects/${fx.applicationSubmittedA ?? 0}${suffix}`, ...scope },
    { path: `/funds/${fx.fundSlug}/projects/01${suffix}`, ...scope },
    {
      path: `/funds/${fx.otherFundSlug}/projects/1${suffix}`,
      fundId: fx.otherFundId,
      compoundId: fx.otherCompoundId,
      missing: true
    }
  ];
}

export const PROJECTS_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/projects': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/projects`, fundId: fx.fundId, compoundId: fx.compoundA },
      { path: `/funds/${fx.fundSlug}/projects?status=closed`, fundId: fx.fundId, compoundId: fx.compoundA },
      { path: `/funds/${fx.otherFundSlug}/projects`, fundId: fx.otherFundId, compoundId: fx.otherCompoundId }
    ],
    load: list,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]': {
    targets: (fx) => projectTargets(fx, ''),
    load: list,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/acceptance': {
    targets: (fx) => projectTargets(fx, '/acceptance'),
    load: list,
    actions: {
      // No such project: 404 for whoever passes the list's gate, before any photo is read.
      record: { access: missingProject, path: missingPath('/acceptance'), body: () => ({ checkedOn: 'x', note: '' }) },
      confirm: { access: missingProject, path: missingPath('/acceptance'), body: () => ({ seen: 'x' }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/acceptance/photos/[sha256]': {
    targets: (fx) => projectTargets(fx, `/acceptance/photos/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: list }
  },
  '/funds/[slug]/projects/[number]/close': {
    targets: (fx) => projectTargets(fx, '/close'),
    load: list,
    actions: {
      close: { access: missingProject, path: missingPath('/close'), body: () => ({ idempotencyKey: 'x' }) },
      cancel: { access: missingProject, path: missingPath('/close'), body: () => ({ idempotencyKey: 'x', reason: '' }) }
    },
    endpoints: {}
  }
};
