import type { RouteEntry } from '../route-access';

/** The routes of this feature: who may do what (see RouteEntry in ../route-access.ts). */
export const APPLICATIONS_REGISTRY: Record<string, RouteEntry> = {};
