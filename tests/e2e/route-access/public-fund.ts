import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/**
 * The public fund page (阳光公示, /f/<slug>) and the public layout every /f/<slug>/… page renders
 * in (see RouteEntry in ../route-access.ts). Both are for anyone, signed in or not: each asks
 * the policy for public.read, which every visitor has.
 */

const publicRead: Access = { kind: 'policy', decide: (actor) => can(actor, 'public.read', null) };

export const PUBLIC_FUND_REGISTRY: Record<string, RouteEntry> = {
  '/f/[slug]': {
    targets: (fx) => [{ path: `/f/${fx.fundSlug}`, fundId: fx.fundId, compoundId: null }],
    layoutLoad: publicRead,
    load: publicRead,
    actions: {},
    endpoints: {}
  },
  // A street's public page (the demo's 花园街道, seed step 020_demo_regions): for anyone as well.
  '/r/[slug]': {
    targets: () => [{ path: '/r/huayuan', fundId: null, compoundId: null }],
    load: publicRead,
    actions: {},
    endpoints: {}
  }
};
