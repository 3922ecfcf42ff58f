import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, attempt, createApiClient, isAbort, onApiError, withQuery } from './client.ts';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      switch (url.pathname) {
        case '/api/echo':
          return send(200, JSON.stringify({ method: req.method, query: Object.fromEntries(url.searchParams), body: raw ? JSON.parse(raw) : null, type: req.headers['content-type'] ?? null }));
        case '/api/ours':
          return send(422, JSON.stringify({ error: { code: 'bad_hyperparameter', message: 'learning_rate must be > 0', details: { line: 4, column: 3 } } }));
        case '/api/openai':
          return send(404, JSON.stringify({ error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: null } }));
        case '/api/kit':
          return send(500, JSON.stringify({ message: 'Internal Error' }));
        case '/api/text':
          return send(502, 'upstream broke', 'text/plain');
        case '/api/garbled':
          return send(200, '{"a":', 'application/json');
        case '/api/empty':
          res.writeHead(204);
          return res.end();
        case '/api/slow':
          return setTimeout(() => send(200, '{}'), 2000);
        default:
          return send(404, JSON.stringify({ message: 'Not found' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The ApiError a call fails with (and a failure if it does not fail). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as ApiError
  );

describe('the /api client', () => {
  const api = () => createApiClient((input, init) => fetch(new URL(String(input), base), init));

  it('sends JSON and query parameters and returns the parsed body', async () => {
    const r = await api().post<{ method: string; query: Record<string, string>; body: unknown; type: string }>('/api/echo', { lr: 2e-4 }, { query: { page: 2, q: 'a b', skip: undefined } });
    expect(r).toEqual({ method: 'POST', query: { page: '2', q: 'a b' }, body: { lr: 2e-4 }, type: 'application/json' });
    expect(await api().delete('/api/empty')).toBeUndefined();
  });

  it('turns every error body into one ApiError', async () => {
    const ours = await failure(api().get('/api/ours'));
    expect(ours).toBeInstanceOf(ApiError);
    expect([ours.status, ours.code, ours.message, ours.details]).toEqual([422, 'bad_hyperparameter', 'learning_rate must be > 0', { line: 4, column: 3 }]);
    const openai = await failure(api().get('/api/openai'));
    expect([openai.status, openai.code, openai.message, openai.details]).toEqual([404, 'invalid_request_error', 'no such model', { param: 'model' }]);
    const kit = await failure(api().get('/api/kit'));
    expect([kit.status, kit.code, kit.message]).toEqual([500, 'http_500', 'Internal Error']);
    const text = await failure(api().get('/api/text'));
    expect([text.status, text.message]).toEqual([502, 'upstream broke']);
    const garbled = await failure(api().get('/api/garbled'));
    expect([garbled.status, garbled.code]).toEqual([200, 'invalid_json']);
  });

  it('reports an unreachable server as status 0, and tells every registered handler', async () => {
    const seen: string[] = [];
    const off = onApiError((e) => seen.push(`${e.status}:${e.code}`));
    const dead = createApiClient((input, init) => fetch(new URL(String(input), 'http://127.0.0.1:9'), init));
    const r = await attempt(dead.get('/api/health'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('network_error');
    await attempt(api().get('/api/ours'));
    off();
    await attempt(api().get('/api/ours'));
    expect(seen).toEqual(['0:network_error', '422:bad_hyperparameter']);
  });

  it('lets aborts through untouched', async () => {
    const ac = new AbortController();
    const p = api().get('/api/slow', { signal: ac.signal });
    ac.abort();
    const e = await p.catch((x) => x);
    expect(isAbort(e)).toBe(true);
    await expect(attempt(api().get('/api/slow', { signal: AbortSignal.abort() }))).rejects.toSatisfy(isAbort);
  });

  it('builds query strings onto paths that already have one', () => {
    expect(withQuery('/api/runs?status=done', { q: 'x&y', n: 0, off: null })).toBe('/api/runs?status=done&q=x%26y&n=0');
    expect(withQuery('/api/runs', {})).toBe('/api/runs');
  });
});
