import { can } from '../../../apps/web/src/lib/server/access/policy';
import { expectedOfDecision, type Access, type Fixture, type RouteEntry, type Target } from '../route-access';

/**
 * The needs list (需求清单): the public list, raise form, need page with its support form, checked
 * photos, the raiser's follow link and the compound's QR sheet, open to everyone; the office's and
 * committees' list, record form and triage page (see RouteEntry in ../route-access.ts).
 *
 * The matrix must not depend on what the demo seed made of its needs, so a need's targets name
 * needs that do not exist: every viewer gets 404 there, before a form is read (which needs exist
 * is public, their numbers run on the public list). The rights on real needs are tested in
 * tests/db/needs.test.ts and tests/e2e/needs.test.ts.
 */

const PUBLIC: Access = { kind: 'public' };
const MISSING_NUMBER = 987654321;
const HASH_NONE = '0'.repeat(64);
/** A well-formed follow token that no need has. */
const TOKEN_NONE = 'A'.repeat(43);

const nowhere: Access = {
  kind: 'custom',
  why: 'a number or token that names no need is 404 for everyone, before the form is read',
  expected: () => ({ kind: 'not_found' })
};

/** The office's list: the office, the leadership and the supervisor, and any committee of the fund. */
const needsReader: Access = {
  kind: 'custom',
  why: 'fund.office.read, or a committee seat in the fund (which then sees its own compounds)',
  expected: (viewer, target) => {
    const decision = can(viewer.actor, 'fund.office.read', { fundId: target.fundId ?? '' });
    if (decision.allowed) return { kind: 'allow' };
    const actor = viewer.actor;
    const committee =
      actor.kind === 'user' &&
      actor.memberships.some((membership) => membership.fundId === target.fundId && membership.role === 'committee');
    return committee ? { kind: 'allow' } : expectedOfDecision(decision, target.path);
  }
};

let fixture: Fixture | null = null;

/** The record form: need.record for some compound of the fund; refused as for one that nobody serves. */
const recorder: Access = {
  kind: 'custom',
  why: 'need.record for at least one compound of the fund',
  expected: (viewer, target) => {
    const fx = fixture;
    const compounds = fx === null ? [] : [fx.compoundA, fx.compoundB, fx.compoundC];
    const fundId = target.fundId ?? '';
    const inFund = target.fundId === fx?.fundId ? compounds : [fx?.otherCompoundId ?? ''];
    if (inFund.some((compoundId) => can(viewer.actor, 'need.record', { fundId, compoundId }).allowed)) {
      return { kind: 'allow' };
    }
    return expectedOfDecision(can(viewer.actor, 'need.record', { fundId, compoundId: inFund[0] ?? '' }), target.path);
  }
};

function missingNeeds(fx: Fixture, base: string, suffix: string): Target[] {
  fixture = fx;
  const scope = { fundId: fx.fundId, compoundId: fx.compoundA, missing: true };
  return [
    { path: `${base}/${fx.fundSlug}/needs/${MISSING_NUMBER}${suffix}`, ...scope },
    { path: `${base}/${fx.fundSlug}/needs/01${suffix}`, ...scope },
    {
      path: `${base}/${fx.otherFundSlug}/needs/${MISSING_NUMBER}${suffix}`,
      fundId: fx.otherFundId,
      compoundId: fx.otherCompoundId,
      missing: true
    }
  ];
}

export const NEEDS_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]/needs': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/needs`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/needs?status=accepted&year=2026`, fundId: fx.fundId, compoundId: null },
      // A malformed or private filter is ignored, not refused.
      { path: `/f/${fx.fundSlug}/needs?status=spam&compound=%3Cx%3E`, fundId: fx.fundId, compoundId: null },
      { path: `/f/no-such-fund-at-all/needs`, fundId: null, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/needs/new': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/needs/new`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/needs/new?compound=c-guihua-3`, fundId: fx.fundId, compoundId: null },
      { path: `/f/no-such-fund-at-all/needs/new`, fundId: null, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    // An empty form: refused as incomplete (400) before anything is written or counted.
    actions: { default: { access: PUBLIC, body: () => ({}) } },
    endpoints: {}
  },
  '/f/[slug]/needs/[number]': {
    targets: (fx) => missingNeeds(fx, '/f', ''),
    load: PUBLIC,
    actions: {
      support: {
        access: nowhere,
        path: (fx) => `/f/${fx.fundSlug}/needs/${MISSING_NUMBER}`,
        body: () => ({ code: 'x' })
      }
    },
    endpoints: {}
  },
  '/f/[slug]/needs/[number]/photos/[sha256]': {
    targets: (fx) => missingNeeds(fx, '/f', `/photos/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: PUBLIC }
  },
  '/f/[slug]/needs/follow/[token]': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/needs/follow/${TOKEN_NONE}`, fundId: fx.fundId, compoundId: null, missing: true },
      { path: `/f/${fx.fundSlug}/needs/follow/short`, fundId: fx.fundId, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/needs/qr/[compound]': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/needs/qr/c-guihua-3`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/needs/qr/no-such-compound`, fundId: fx.fundId, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/needs': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/needs`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.fundSlug}/needs?status=spam`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/needs`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: needsReader,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/needs/new': {
    targets: (fx) => {
      fixture = fx;
      return [
        { path: `/funds/${fx.fundSlug}/needs/new`, fundId: fx.fundId, compoundId: null },
        { path: `/funds/${fx.otherFundSlug}/needs/new`, fundId: fx.otherFundId, compoundId: null }
      ];
    },
    load: recorder,
    // An empty form: refused as incomplete (400) once the person may record for some compound.
    actions: { default: { access: recorder, body: () => ({}) } },
    endpoints: {}
  },
  '/funds/[slug]/needs/[number]': {
    targets: (fx) => missingNeeds(fx, '/funds', ''),
    load: nowhere,
    actions: {
      triage: {
        access: nowhere,
        path: (fx) => `/funds/${fx.fundSlug}/needs/${MISSING_NUMBER}`,
        body: () => ({ action: 'accept', reason: 'x' })
      },
      checkPhoto: {
        access: nowhere,
        path: (fx) => `/funds/${fx.fundSlug}/needs/${MISSING_NUMBER}`,
        body: () => ({ sha256: HASH_NONE })
      }
    },
    endpoints: {}
  },
  '/funds/[slug]/needs/[number]/photos/[sha256]': {
    targets: (fx) => missingNeeds(fx, '/funds', `/photos/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: nowhere }
  }
};
