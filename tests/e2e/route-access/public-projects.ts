import { listDecision } from '../../../apps/web/src/lib/server/grants/applications';
import { expectedOfDecision, type Access, type Fixture, type RouteEntry, type Target } from '../route-access';

/**
 * The public projects (/f/<slug>/projects…), their checked files, and the office's page that
 * checks a project's files for personal data (see RouteEntry in ../route-access.ts).
 *
 * The public routes are open to everyone. The matrix must not depend on what the demo seed made
 * of its applications, so a project's targets name projects that are not public: a number no
 * application has, and the fixture's submitted application, which is not a project until it is
 * approved. Everyone gets 404 there, and the objection form posted to such a project is 404
 * before anything is read from it. The office's files page asks the project pages' gate (the
 * list's, then project.read); its form action is refused before anything is written. The rights
 * on real projects are tested in tests/db/public-projects.test.ts and
 * tests/e2e/public-projects.test.ts.
 */

const PUBLIC: Access = { kind: 'public' };
const list: Access = { kind: 'policy', decide: (actor, target) => listDecision(actor, target.fundId ?? '') };
const MISSING_NUMBER = 987654321;
/** A well-formed hash that names no file. */
const HASH_NONE = '0'.repeat(64);

let fixture: Fixture | null = null;

const nowhere: Access = {
  kind: 'custom',
  why: 'a number that names no public project is 404 for everyone, before the form is read',
  expected: () => ({ kind: 'not_found' })
};

const missingProject: Access = {
  kind: 'custom',
  why: 'the list gate comes first; a number that names no project is 404 for whoever passes it',
  expected: (viewer, target) => {
    const decision = listDecision(viewer.actor, fixture?.fundId ?? '');
    if (decision.allowed) return { kind: 'not_found' };
    return expectedOfDecision(decision, target.path);
  }
};

function targetsOf(fx: Fixture, base: string, suffix: string): Target[] {
  const scope = { fundId: fx.fundId, compoundId: fx.compoundA, missing: true };
  return [
    { path: `${base}/${fx.fundSlug}/projects/${MISSING_NUMBER}${suffix}`, ...scope },
    { path: `${base}/${fx.fundSlug}/projects/${fx.applicationSubmittedA ?? 0}${suffix}`, ...scope },
    { path: `${base}/${fx.fundSlug}/projects/01${suffix}`, ...scope },
    {
      path: `${base}/${fx.otherFundSlug}/projects/${MISSING_NUMBER}${suffix}`,
      fundId: fx.otherFundId,
      compoundId: fx.otherCompoundId,
      missing: true
    }
  ];
}

export const PUBLIC_PROJECTS_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]/projects': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/projects`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/projects?status=closed&year=2026`, fundId: fx.fundId, compoundId: null },
      // A malformed filter is ignored, not refused.
      { path: `/f/${fx.fundSlug}/projects?status=draft&compound=%3Cx%3E`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.otherFundSlug}/projects`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/projects/[number]': {
    targets: (fx) => targetsOf(fx, '/f', ''),
    load: PUBLIC,
    actions: {
      object: {
        access: nowhere,
        path: (fx) => `/f/${fx.fundSlug}/projects/${MISSING_NUMBER}`,
        body: () => ({ name: 'x', contact: 'x', body: 'x' })
      }
    },
    endpoints: {}
  },
  '/f/[slug]/projects/[number]/files/[sha256]': {
    targets: (fx) => targetsOf(fx, '/f', `/files/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: PUBLIC }
  },
  '/funds/[slug]/projects/[number]/files': {
    targets: (fx) => targetsOf(fx, '/funds', '/files'),
    load: list,
    actions: {
      check: {
        access: missingProject,
        path: (fx) => {
          fixture = fx;
          return `/funds/${fx.fundSlug}/projects/${MISSING_NUMBER}/files`;
        },
        body: () => ({ sha256: HASH_NONE })
      }
    },
    endpoints: {}
  },
  '/funds/[slug]/projects/[number]/files/[sha256]': {
    targets: (fx) => targetsOf(fx, '/funds', `/files/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: list }
  }
};
