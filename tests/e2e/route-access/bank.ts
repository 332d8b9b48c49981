import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry, Target } from '../route-access';

/** The routes of bank reconciliation (银行对账): who may do what (see RouteEntry in ../route-access.ts). */

const booksRead: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'books.read', { fundId: target.fundId ?? '' })
};

const bankReconcile: Access = {
  kind: 'policy',
  decide: (actor, target) => can(actor, 'bank.reconcile', { fundId: target.fundId ?? '' })
};

/** No fund of the fixture has a bank account, so an account id names nothing: an allowed visitor gets 404. */
function accountTargets(
  fx: { fundId: string; fundSlug: string; otherFundId: string; otherFundSlug: string; missingId: string },
  suffix: string
): Target[] {
  return [
    { path: `/funds/${fx.fundSlug}/bank/${fx.missingId}${suffix}`, fundId: fx.fundId, compoundId: null, missing: true },
    {
      path: `/funds/${fx.otherFundSlug}/bank/${fx.missingId}${suffix}`,
      fundId: fx.otherFundId,
      compoundId: null,
      missing: true
    }
  ];
}

export const BANK_REGISTRY: Record<string, RouteEntry> = {
  '/funds/[slug]/bank': {
    targets: (fx) => [
      { path: `/funds/${fx.fundSlug}/bank`, fundId: fx.fundId, compoundId: null },
      { path: `/funds/${fx.otherFundSlug}/bank`, fundId: fx.otherFundId, compoundId: null }
    ],
    load: booksRead,
    actions: {
      // No name and no ledger account: refused as incomplete (400), no bank account added.
      add: { access: bankReconcile, body: () => ({ name: '', accountCode: '' }) },
      // No file: refused (400) before anything is read or written.
      import: { access: bankReconcile, body: (fx) => ({ bankAccountId: fx.missingId }) }
    },
    endpoints: {}
  },
  '/funds/[slug]/bank/[account]': {
    targets: (fx) => accountTargets(fx, ''),
    load: booksRead,
    actions: {
      // A bank account that does not exist: refused as bank_account_not_found, nothing written.
      match: { access: bankReconcile, body: (fx) => ({ lineId: fx.missingId, posting: '1:1' }) },
      unmatch: { access: bankReconcile, body: (fx) => ({ lineId: fx.missingId }) },
      explain: { access: bankReconcile, body: (fx) => ({ lineId: fx.missingId, note: '测试' }) },
      unexplain: { access: bankReconcile, body: (fx) => ({ lineId: fx.missingId }) },
      rematch: { access: bankReconcile, body: () => ({}) }
    },
    endpoints: {}
  },
  '/funds/[slug]/bank/[account]/reconciliation': {
    targets: (fx) => accountTargets(fx, '/reconciliation'),
    load: booksRead,
    actions: {
      reconcile: { access: bankReconcile, body: () => ({ date: '2026-01-31' }) }
    },
    endpoints: {}
  }
};
