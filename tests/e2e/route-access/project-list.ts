import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The project list (项目清单): the office's pages (read by the office, the leadership and the
 * supervisor; orders placed and moved by the administrator alone), and the public list, item pages,
 * delivery photos and the A4 poster, which anyone may read. The fixture has no list item, so the
 * item targets name numbers no item has (404 for whoever may see the page), and their actions are
 * covered by tests/db/project-list.test.ts and the e2e file; a photo no item has is 404 for all.
 */

const PUBLIC: Access = { kind: 'public' };

const officeRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'fund.office.read', { fundId: target.fundId ?? '' })
};

const listManage: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'list.manage', { fundId: target.fundId ?? '' })
};

const MISSING = 987654321;
const HASH_NONE = '0'.repeat(64);

function officeItems(fx: Fixture, suffix = ''): Target[] {
  return [
    { path: `/funds/${fx.fundSlug}/list/${MISSING}${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    { path: `/funds/${fx.fundSlug}/list/01${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    {
      path: `/funds/${fx.otherFundSlug}/list/${MISSING}${suffix}`,
      fundId: fx.otherFundId,
      compoundId: null,
      missing: true
    }
  ];
}

function publicItems(fx: Fixture, suffix = ''): Target[] {
  return [
    { path: `/f/${fx.fundSlug}/list/${MISSING}${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    { path: `/f/${fx.fundSlug}/list/01${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    { path: `/f/no-such-fund-at-all/list/1${suffix}`, fundId: null, compoundId: null, missing: true }
  ];
}

export const PROJECT_LIST_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/list': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/list`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/list`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: officeRead,
    actions: {},
    endpoints: {}
  },
  '/funds/[slug]/list/new': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/list/new`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/list/new`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: listManage,
    // An empty form: refused as malformed (400) before anything is placed.
    actions: { default: { access: listManage, body: () => ({}) } },
    endpoints: {}
  },
  '/funds/[slug]/list/[number]': {
    targets: (fx) => officeItems(fx),
    load: officeRead,
    actions: {
      start: { access: listManage, body: () => ({}) },
      deliver: { access: listManage, body: () => ({}) },
      cancel: { access: listManage, body: () => ({}) },
      check: { access: listManage, body: () => ({ sha256: HASH_NONE }) }
    },
    endpoints: {}
  },
  '/f/[slug]/list': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/list`, fundId: fx.fundId, compoundId: null },
      { path: `/f/${fx.fundSlug}/list?status=delivered&year=2026&compound=nope`, fundId: fx.fundId, compoundId: null },
      { path: `/f/no-such-fund-at-all/list`, fundId: null, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  },
  '/f/[slug]/list/[number]': {
    targets: (fx) => publicItems(fx),
    load: PUBLIC,
    actions: { evaluate: { access: PUBLIC, body: () => ({ code: 'ZZZZ-ZZZZ', rating: 'satisfied' }) } },
    endpoints: {}
  },
  '/f/[slug]/list/[number]/photos/[sha256]': {
    targets: (fx) => publicItems(fx, `/photos/${HASH_NONE}`),
    load: 'none',
    actions: {},
    endpoints: { GET: PUBLIC }
  },
  '/f/[slug]/poster': {
    targets: (fx) => [
      { path: `/f/${fx.fundSlug}/poster`, fundId: fx.fundId, compoundId: null },
      {
        path: `/f/${fx.fundSlug}/poster?compound=no-such-compound`,
        fundId: fx.fundId,
        compoundId: null,
        missing: true
      },
      { path: `/f/no-such-fund-at-all/poster`, fundId: null, compoundId: null, missing: true }
    ],
    load: PUBLIC,
    actions: {},
    endpoints: {}
  }
};
