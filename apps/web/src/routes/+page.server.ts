import { sql } from '$lib/server/database';
import { listFunds } from '$lib/server/funds';
import type { PageServerLoad } from './$types';

// The list of funds is public: residents read it without logging in.
export const load: PageServerLoad = async () => ({ funds: await listFunds(sql()) });
