import type { Access, Fixture, RouteEntry, Target } from '../route-access';

/**
 * The fund's statements (资产负债表, 业务活动表, 现金流量表): a printable page and three downloads,
 * public like the ledger. A period that cannot be read is a message on the page and a 400 from a
 * download, the same for every viewer; a slug that names no fund is 404 for everyone.
 */

const PUBLIC: Access = { kind: 'public' };

function targets(suffix: string): (fx: Fixture) => Target[] {
  return (fx) => [
    { path: `/f/${fx.fundSlug}/statements${suffix}`, fundId: fx.fundId, compoundId: null },
    { path: `/f/${fx.fundSlug}/statements${suffix}?period=2026-Q1`, fundId: fx.fundId, compoundId: null },
    { path: `/f/no-such-fund-at-all/statements${suffix}`, fundId: null, compoundId: null, missing: true }
  ];
}

function download(extension: string): RouteEntry {
  return { targets: targets(`.${extension}`), load: 'none', actions: {}, endpoints: { GET: PUBLIC } };
}

export const PUBLIC_STATEMENTS_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]/statements': { targets: targets(''), load: PUBLIC, actions: {}, endpoints: {} },
  '/f/[slug]/statements.json': download('json'),
  '/f/[slug]/statements.csv': download('csv'),
  '/f/[slug]/statements.xlsx': download('xlsx')
};
