import { fail, redirect } from '@sveltejs/kit';
import { chooseLanguage, chooseTextSize, type PreferenceResult } from '$lib/server/platform/preferences';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ currentLocale: locals.locale, elderMode: locals.elderMode });

function finish(result: PreferenceResult) {
  if (!result.ok) return fail(400, { code: result.code });
  redirect(303, result.returnTo);
}

// Display preferences are open to everyone, signed in or not; they change only cookies.
export const actions: Actions = {
  language: async ({ request, cookies }) => finish(chooseLanguage(await request.formData(), cookies)),
  textSize: async ({ request, cookies }) => finish(chooseTextSize(await request.formData(), cookies))
};
