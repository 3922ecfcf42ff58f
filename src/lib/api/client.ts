/**
 * The one client for the workbench's /api JSON endpoints. Every call either resolves with the
 * parsed body or rejects with an ApiError (status, stable code, message, details), and every
 * failure also goes to the handlers registered with onApiError: one place to react to, say, a
 * missing API key. Aborted calls reject with the AbortError untouched (see isAbort).
 *
 *   const health = await api.get<HealthInfo>('/api/health');
 *   const r = await attempt(api.post<Run>('/api/runs', { pipeline }));  // errors as values
 *   // in a load function, pass SvelteKit's fetch: createApiClient(fetch).get(...)
 */
import type { ApiErrorBody } from './types.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly url = ''
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  headers?: HeadersInit;
  signal?: AbortSignal;
}

type Fetch = typeof fetch;
type ErrorHandler = (error: ApiError) => void;

const handlers = new Set<ErrorHandler>();

/** Observes every failed call (not aborts). Returns the unsubscribe function. */
export function onApiError(fn: ErrorHandler): () => void {
  handlers.add(fn);
  return () => handlers.delete(fn);
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Turns any error body we may meet into an ApiError: ours, OpenAI's, SvelteKit's {message}, or text. */
export function toApiError(status: number, body: unknown, url: string, statusText = ''): ApiError {
  const err = (body as Partial<ApiErrorBody> | null)?.error as Record<string, unknown> | undefined;
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    const code = typeof err.code === 'string' ? err.code : typeof err.type === 'string' ? err.type : `http_${status}`;
    return new ApiError(status, code, err.message, err.details ?? (err.param ? { param: err.param } : undefined), url);
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return new ApiError(status, `http_${status}`, (body as { message: string }).message, undefined, url);
  }
  const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : statusText || `request failed with status ${status}`;
  return new ApiError(status, `http_${status}`, text, undefined, url);
}

function report(error: ApiError): ApiError {
  for (const h of handlers) {
    try {
      h(error);
    } catch (e) {
      console.error('onApiError handler failed', e);
    }
  }
  return error;
}

function encodeBody(body: unknown, headers: Headers): BodyInit | undefined {
  if (body === undefined) return undefined;
  if (body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams || typeof body === 'string') return body;
  headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}

export function createApiClient(fetchImpl?: Fetch) {
  async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const url = withQuery(path, opts.query);
    const headers = new Headers(opts.headers);
    headers.set('accept', 'application/json');
    let res: Response;
    try {
      res = await (fetchImpl ?? fetch)(url, { method, headers, body: encodeBody(body, headers), signal: opts.signal });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw report(new ApiError(0, 'network_error', `Could not reach the tunebench server (${method} ${url}): ${(e as Error).message}`, undefined, url));
    }
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    let parsed: unknown = text;
    if (isJson && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw report(new ApiError(res.status, 'invalid_json', `The server answered ${method} ${url} with malformed JSON`, { body: text.slice(0, 200) }, url));
      }
    }
    if (!res.ok) throw report(toApiError(res.status, parsed, url, res.statusText));
    return (text === '' ? undefined : parsed) as T;
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts)
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The browser's client. */
export const api: ApiClient = createApiClient();

export type Attempt<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** Errors as values: `const r = await attempt(api.get(...)); if (!r.ok) show(r.error)`. Aborts still reject. */
export async function attempt<T>(call: Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, data: await call };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e };
    throw e;
  }
}
