import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The account books (科目余额表, 明细账, their CSV and XLSX files) and the contributor's statement
 * and letter of thanks: the fund administrator and the supervisor read them (books.read), nobody
 * else. The fixture has no unit of its own, so the unit targets name units that do not exist (an
 * id no row has, an id that is not a number): an allowed visitor gets 404 there, anyone else is
 * refused first. An account the other fund never opened is 404 for an allowed visitor too.
 */

const booksRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.read', { fundId: target.fundId ?? '' })
};

const PERIOD = '?from=2026-01-01&to=2026-12-31';

function fundTargets(fx: Fixture, suffix: string): Target[] {
  return [
    { path: `/funds/${fx.fundSlug}/books${suffix}`, fundId: fx.fundId, compoundId: null },
    { path: `/funds/${fx.fundSlug}/books${suffix}${PERIOD}`, fundId: fx.fundId, compoundId: null },
    { path: `/funds/${fx.otherFundSlug}/books${suffix}`, fundId: fx.otherFundId, compoundId: null }
  ];
}

function accountTargets(fx: Fixture, suffix: string): Target[] {
  return [
    { path: `/funds/${fx.fundSlug}/books/1002${suffix}${PERIOD}`, fundId: fx.fundId, compoundId: null },
    { path: `/funds/${fx.fundSlug}/books/9999.X-none${suffix}`, fundId: fx.fundId, compoundId: null, missing: true }
  ];
}

function unitTargets(fx: Fixture, suffix: string): Target[] {
  const scope = { fundId: fx.fundId, compoundId: null, missing: true };
  return [
    { path: `/funds/${fx.fundSlug}/units/${fx.missingId}${suffix}`, ...scope },
    { path: `/funds/${fx.fundSlug}/units/not-a-number${suffix}`, ...scope },
    { path: `/funds/${fx.otherFundSlug}/units/${fx.missingId}${suffix}`, ...scope, fundId: fx.otherFundId }
  ];
}

const page = (targets: (fx: Fixture) => Target[]): RouteEntry => ({
  targets,
  load: booksRead,
  actions: {},
  endpoints: {}
});
const file = (targets: (fx: Fixture) => Target[]): RouteEntry => ({
  targets,
  load: 'none',
  actions: {},
  endpoints: { GET: booksRead }
});

export const ACCOUNT_BOOKS_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/books': page((fx) => fundTargets(fx, '')),
  '/funds/[slug]/books/balances.csv': file((fx) => fundTargets(fx, '/balances.csv')),
  '/funds/[slug]/books/balances.xlsx': file((fx) => fundTargets(fx, '/balances.xlsx')),
  '/funds/[slug]/books/[code]': page((fx) => accountTargets(fx, '')),
  '/funds/[slug]/books/[code]/ledger.csv': file((fx) => accountTargets(fx, '/ledger.csv')),
  '/funds/[slug]/books/[code]/ledger.xlsx': file((fx) => accountTargets(fx, '/ledger.xlsx')),
  '/funds/[slug]/units/[id]/statement': page((fx) => unitTargets(fx, '/statement')),
  '/funds/[slug]/units/[id]/acknowledgements/[seq]': page((fx) => unitTargets(fx, '/acknowledgements/1'))
};
