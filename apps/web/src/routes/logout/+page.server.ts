import { redirect } from '@sveltejs/kit';
import { signOut } from '$lib/server/people/accounts';
import { deleteSessionCookie } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { clientAddress } from '$lib/server/access/guard';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is a POST; a plain visit (a link, a prefetch) only goes home.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  // Anyone may sign out whatever session their own cookie holds, even a half-finished one. By
  // default only this browser's session ends ("sign out here", the header's button); the account
  // page's "sign out everywhere" sends scope=everywhere to end every session of the user.
  default: async (event) => {
    const { locals, cookies, url } = event;
    // The form is read in full, so that a body no page sends is refused (hooks: inputGuard) before
    // anything is signed out; without the field it signs out here only, the smaller of the two.
    const form = await event.request.formData();
    const everywhere = form.get('scope') === 'everywhere';
    if (locals.sessionToken !== null) {
      await signOut(sql(), {
        token: locals.sessionToken,
        userId: locals.user?.id ?? null,
        everywhere,
        ip: clientAddress(event),
        now: new Date()
      });
    }
    deleteSessionCookie(cookies, url.protocol === 'https:');
    redirect(303, '/');
  }
};
