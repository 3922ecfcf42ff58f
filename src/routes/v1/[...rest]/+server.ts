import type { RequestHandler } from './$types';
import { errorResponse } from '../../../engine/api/http.ts';
import { notFound } from '../../../engine/api/errors.ts';

/** Anything else under /v1: OpenAI's 404 for an unknown URL, in its error shape. */
const unknown: RequestHandler = ({ request, url }) => errorResponse(notFound(`Invalid URL (${request.method} ${url.pathname}): tunebench serves /v1/files, /v1/fine_tuning/jobs, /v1/models and /v1/chat/completions`, 'unknown_url'));

export const GET = unknown;
export const POST = unknown;
export const DELETE = unknown;
export const PUT = unknown;
export const PATCH = unknown;
