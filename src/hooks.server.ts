/**
 * Access control for the whole server (src/engine/api/access.ts): a server that would listen
 * beyond loopback without TUNEBENCH_API_KEY refuses to start; with a key, every request needs it
 * (constant-time check) — /v1 answers 401 in OpenAI's shape, /api in the workbench's, pages
 * redirect to /login. init also starts the API's services (job queue recovery, chat pool).
 */
import { redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { building, dev } from '$app/environment';
import { accessPolicy, isPublicPath, keyMatches, presentedKey, type AccessPolicy } from './engine/api/access.ts';
import { OpenAIError } from './engine/api/errors.ts';
import { errorResponse } from './engine/api/http.ts';
import { apiError } from '$lib/server/api-error';
import { apiServices } from '$lib/server/openai';

let policy: AccessPolicy = { key: null, host: '127.0.0.1' };

export const init: ServerInit = async () => {
  if (building) return;
  // `vite dev` listens where vite.config.ts says (127.0.0.1); the HOST check is for the built server.
  const checked = accessPolicy(dev ? { ...process.env, HOST: process.env.HOST ?? '127.0.0.1' } : process.env);
  if (!checked.ok) {
    console.error(`tunebench: ${checked.message}`);
    process.exit(1);
  }
  policy = checked.policy;
  void apiServices().catch((e) => console.error('tunebench: the API services did not start:', e));
};

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * SvelteKit's cross-site form check (turned off in svelte.config.js), redone here so that API
 * clients, which send no Origin, can upload to /v1: browsers always send Origin on cross-site
 * requests, so a /v1 request with a foreign Origin is refused, and any other form post must come
 * from this origin.
 */
function crossSiteRefusal(request: Request, url: URL): Response | null {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return null;
  const origin = request.headers.get('origin');
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const refused = url.pathname.startsWith('/v1/') ? origin !== null && origin !== url.origin : FORM_TYPES.includes(type) && origin !== url.origin;
  return refused ? new Response(`Cross-site ${request.method} form submissions are forbidden`, { status: 403 }) : null;
}

export const handle: Handle = async ({ event, resolve }) => {
  const { pathname } = event.url;
  const csrf = crossSiteRefusal(event.request, event.url);
  if (csrf) return csrf;
  if (policy.key === null || isPublicPath(pathname) || keyMatches(presentedKey(event.request.headers), policy.key)) return resolve(event);
  if (pathname.startsWith('/v1/') || pathname === '/v1') {
    return errorResponse(new OpenAIError(401, 'Incorrect or missing API key: send it as "Authorization: Bearer KEY" (the server\'s TUNEBENCH_API_KEY)', { type: 'invalid_request_error', code: 'invalid_api_key' }));
  }
  if (pathname.startsWith('/api/')) return apiError(401, 'unauthorized', 'this server needs its API key: send "Authorization: Bearer KEY", or sign in at /login');
  redirect(303, `/login?next=${encodeURIComponent(pathname + event.url.search)}`);
};
