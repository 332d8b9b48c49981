import { sql } from '$lib/server/platform/database';
import { listFunds } from '$lib/server/fund/funds';
import { todoFor } from '$lib/server/people/todo';
import type { PageServerLoad } from './$types';

// The list of funds is public: residents read it without logging in. A signed-in person sees first
// what waits for them in every fund they hold a role in (todoFor asks the policy for each item).
export const load: PageServerLoad = async ({ locals }) => ({
  funds: await listFunds(sql()),
  todo: locals.actor.kind === 'user' ? await todoFor(sql(), locals.actor) : null
});
