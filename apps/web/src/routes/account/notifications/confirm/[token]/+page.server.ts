import { fail } from '@sveltejs/kit';
import { sql } from '$lib/server/platform/database';
import { confirmToken } from '$lib/server/people/delivery/channels';
import type { Actions, PageServerLoad } from './$types';

/**
 * An e-mail address's confirmation link. Opening it confirms nothing: mail scanners open links
 * too, so the person presses the button, a POST. The token alone is the proof (the person may
 * open the mail on a device where they are not signed in).
 */
export const load: PageServerLoad = () => ({});

export const actions: Actions = {
  default: async (event) => {
    const confirmed = await confirmToken(sql(), { token: event.params.token, now: new Date() });
    return confirmed ? { confirmed: true } : fail(400, { confirmed: false });
  }
};
