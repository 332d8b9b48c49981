import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The public ledger (/f/<slug>/ledger, one entry, the verify page) and its downloads
 * (ledger.csv, .xlsx, .journal, .beancount, .json): see RouteEntry in ../route-access.ts. All are
 * for anyone, signed in or not: each load and GET asks the policy for public.read, which every
 * visitor has. The targets are read-only; the verify page's check is a GET form.
 */

const publicRead: Access = { kind: 'policy', decide: (actor) => can(actor, 'public.read', null) };

function fundTarget(path: (fx: Fixture) => string): (fx: Fixture) => Target[] {
  return (fx) => [{ path: path(fx), fundId: fx.fundId, compoundId: null }];
}

function page(path: (fx: Fixture) => string): RouteEntry {
  return { targets: fundTarget(path), load: publicRead, actions: {}, endpoints: {} };
}

function download(extension: string): RouteEntry {
  return {
    targets: fundTarget((fx) => `/f/${fx.fundSlug}/ledger.${extension}`),
    load: 'none',
    actions: {},
    endpoints: { GET: publicRead }
  };
}

export const PUBLIC_LEDGER_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]/ledger': page((fx) => `/f/${fx.fundSlug}/ledger`),
  '/f/[slug]/ledger/[seq]': page((fx) => `/f/${fx.fundSlug}/ledger/1`),
  '/f/[slug]/verify': page((fx) => `/f/${fx.fundSlug}/verify`),
  '/f/[slug]/ledger.csv': download('csv'),
  '/f/[slug]/ledger.xlsx': download('xlsx'),
  '/f/[slug]/ledger.journal': download('journal'),
  '/f/[slug]/ledger.beancount': download('beancount'),
  '/f/[slug]/ledger.json': download('json')
};
