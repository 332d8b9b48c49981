import { redirect } from '@sveltejs/kit';
import { signOut } from '$lib/server/accounts';
import { deleteSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/database';
import { clientAddress } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is a POST; a plain visit (a link, a prefetch) only goes home.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  // Anyone may sign out whatever session their own cookie holds, even a half-finished one.
  default: async (event) => {
    const { locals, cookies, url } = event;
    // The form is empty, but it is read all the same, so that a body no page sends is refused
    // (hooks: inputGuard) before anything is signed out.
    await event.request.formData();
    if (locals.sessionToken !== null) {
      await signOut(sql(), {
        token: locals.sessionToken,
        userId: locals.user?.id ?? null,
        ip: clientAddress(event),
        now: new Date()
      });
    }
    deleteSessionCookie(cookies, url.protocol === 'https:');
    redirect(303, '/');
  }
};
