import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The printable public documents: the 公示 notice of an approval, a project's final account and
 * the fund's period report. Anyone may read them, signed in or not, so every viewer gets the same
 * answer. The matrix must not depend on what the demo seed made of its applications, so the
 * project targets name projects that do not exist (a number no application has, a number written
 * with a leading zero, the fixture's submitted application, which is not a project until it is
 * approved): every viewer gets 404 there. The report exists for the fixture's fund; a slug that
 * names no fund is 404 for everyone.
 */

const PUBLIC: Access = { kind: 'public' };

const MISSING_NUMBER = 987654321;

function projectTargets(fx: Fixture, suffix: string): Target[] {
  const scope = { fundId: fx.fundId, compoundId: null, missing: true };
  return [
    { path: `/f/${fx.fundSlug}/projects/${MISSING_NUMBER}${suffix}`, ...scope },
    { path: `/f/${fx.fundSlug}/projects/${fx.applicationSubmittedA ?? 0}${suffix}`, ...scope },
    { path: `/f/${fx.fundSlug}/projects/01${suffix}`, ...scope },
    { path: `/f/no-such-fund-at-all/projects/1${suffix}`, fundId: null, compoundId: null, missing: true }
  ];
}

export const PUBLIC_PRINT_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]/projects/[number]/notice': {
    targets: (fx) => projectTargets(fx, '/notice'),
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/projects/[number]/account': {
    targets: (fx) => projectTargets(fx, '/account'),
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/report': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/report`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/report?from=2026-01-01&to=2026-03-31`, fundId: fx.fundId, compoundId: null },
      { path: `/f/no-such-fund-at-all/report`, fundId: null, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  }
};
