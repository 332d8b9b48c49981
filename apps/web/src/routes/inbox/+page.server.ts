import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { sql } from '$lib/server/platform/database';
import { requireUser } from '$lib/server/access/guard';
import { inboxFor, markRead } from '$lib/server/people/inbox';
import type { Actions, PageServerLoad } from './$types';

/** The signed-in person's notifications about applications that concern them. */
export const load: PageServerLoad = async (event) => {
  requireUser(event);
  return { items: await inboxFor(sql(), event.locals.actor) };
};

const ReadForm = v.object({
  notificationId: v.union([v.literal('all'), v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,17}$/))])
});

export const actions: Actions = {
  read: async (event) => {
    const user = requireUser(event);
    const parsed = v.safeParse(ReadForm, Object.fromEntries(await event.request.formData()));
    if (!parsed.success) return fail(400, { code: 'invalid_input' as const });
    await markRead(sql(), { userId: user.id, notificationId: parsed.output.notificationId, now: new Date() });
    return { read: true };
  }
};
