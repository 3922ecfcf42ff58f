/**
 * JSON errors for /api with one stable shape, { error: { code, message, details? } } (the type is
 * ApiErrorBody in $lib/api/types.ts, which the browser client decodes). /v1 answers in OpenAI's
 * shape instead and does not use this.
 *
 *   export const GET = apiHandler(async ({ params }) => {
 *     const d = find(params.name);
 *     if (!d) throw new ApiFailure(404, 'dataset_not_found', `no dataset named '${params.name}'`);
 *     return json(d);
 *   });
 */
import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import type { ApiErrorBody } from '$lib/api/types';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>
  ) {
    super(message);
  }
}

export function apiError(status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>): Response {
  const body: ApiErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }
  });
}

/** The response for anything a handler threw: ApiFailure as itself, anything else as a logged 500. */
export function errorResponse(e: unknown, event?: Pick<RequestEvent, 'request' | 'url'>): Response {
  if (e instanceof ApiFailure) return apiError(e.status, e.code, e.message, e.details, e.headers);
  const where = event ? `${event.request.method} ${event.url.pathname}` : 'request';
  console.error(`tunebench: ${where} failed:`, e);
  return apiError(500, 'internal_error', `${where} failed: ${(e as Error)?.message ?? String(e)}`);
}

/** Wraps a +server.ts handler so every failure leaves as an /api JSON error. */
export function apiHandler<E extends RequestEvent>(fn: (event: E) => Response | Promise<Response>): (event: E) => Promise<Response> {
  return async (event) => {
    try {
      return await fn(event);
    } catch (e) {
      return errorResponse(e, event);
    }
  };
}

export type ApiHandler = RequestHandler;
