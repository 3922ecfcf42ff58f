import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { KEY_COOKIE, keyMatches } from '../../engine/api/access.ts';

/** Only same-site paths, so ?next= cannot send people elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const key = String((await request.formData()).get('key') ?? '');
    const configured = process.env.TUNEBENCH_API_KEY?.trim() ?? '';
    if (!configured) redirect(303, safeNext(url.searchParams.get('next')));
    if (!keyMatches(key, configured)) return fail(401, { error: 'That is not this server’s API key.' });
    cookies.set(KEY_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:', maxAge: 30 * 24 * 3600 });
    redirect(303, safeNext(url.searchParams.get('next')));
  }
};
