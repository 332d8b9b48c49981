import { json } from '@sveltejs/kit';
import { replica, sqlIfOpen } from '$lib/server/platform/database';
import { checkHealth } from '$lib/server/platform/health';
import type { RequestHandler } from './$types';

// Public on purpose: load balancers and uptime monitors call it without a session, and it
// reveals nothing but whether the database answers, the schema version and, with a replica, its
// lag in seconds.
export const GET: RequestHandler = async () => {
  const health = await checkHealth(sqlIfOpen(), replica()?.sql);
  return json(health, {
    status: health.database === 'up' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' }
  });
};
