import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/** The platform administrator's routes (see RouteEntry in ../route-access.ts). */

const fundsManage: Access = {
  kind: 'policy',
  decide: (actor) => can(actor, 'platform.funds.manage', null)
};

const calendarManage: Access = {
  kind: 'policy',
  decide: (actor) => can(actor, 'platform.calendar.manage', null)
};

const scheduleRead: Access = {
  kind: 'policy',
  decide: (actor) => can(actor, 'platform.schedule.read', null)
};
const regionsManage: Access = {
  kind: 'policy',
  decide: (actor) => can(actor, 'platform.regions.manage', null)
};

export const ADMIN_REGISTRY: Record<string, RouteEntry> = {
  '/admin/funds': {
    targets: () => [{ path: '/admin/funds', fundId: null, compoundId: null }],
    load: fundsManage,
    actions: {
      // An empty form has no idempotency key, so even an allowed post is refused (400) and sets up nothing.
      create: { access: fundsManage, body: () => ({}) }
    },
    endpoints: {}
  },
  '/admin/calendar': {
    targets: () => [{ path: '/admin/calendar', fundId: null, compoundId: null }],
    load: calendarManage,
    actions: {
      // An empty form has no idempotency key, so even an allowed post is refused (400) and saves nothing.
      save: { access: calendarManage, body: () => ({}) }
    },
    endpoints: {}
  },
  // The scheduler's last runs: read-only, no actions.
  '/admin/schedule': {
    targets: () => [{ path: '/admin/schedule', fundId: null, compoundId: null }],
    load: scheduleRead,
    actions: {},
    endpoints: {}
  },
  '/admin/regions': {
    targets: () => [{ path: '/admin/regions', fundId: null, compoundId: null }],
    load: regionsManage,
    // Empty forms fail the shape check (400), so even an allowed post changes no region.
    actions: {
      create: { access: regionsManage, body: () => ({}) },
      rename: { access: regionsManage, body: () => ({}) },
      attach: { access: regionsManage, body: () => ({}) },
      officer: { access: regionsManage, body: () => ({}) }
    },
    endpoints: {}
  }
};
