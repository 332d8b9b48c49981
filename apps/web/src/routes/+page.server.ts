import { sql } from '$lib/server/platform/database';
import { listFunds } from '$lib/server/fund/funds';
import type { PageServerLoad } from './$types';

// The list of funds is public: residents read it without logging in.
export const load: PageServerLoad = async () => ({ funds: await listFunds(sql()) });
