import { describe, expect, it, vi } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { ApiFailure, apiError, apiHandler } from './api-error.ts';

const event = { request: new Request('http://x/api/things/7'), url: new URL('http://x/api/things/7') } as unknown as RequestEvent;

describe('/api errors', () => {
  it('have one shape: { error: { code, message, details? } }', async () => {
    const r = apiError(404, 'thing_not_found', 'no thing 7', { id: 7 });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(await r.json()).toEqual({ error: { code: 'thing_not_found', message: 'no thing 7', details: { id: 7 } } });
    expect(await apiError(400, 'bad', 'bad').json()).toEqual({ error: { code: 'bad', message: 'bad' } });
  });

  it('turn a thrown ApiFailure into its response and anything else into a 500 that names the request', async () => {
    const h1 = apiHandler(() => {
      throw new ApiFailure(409, 'busy', 'the run is still going', undefined, { 'retry-after': '5' });
    });
    const r1 = await h1(event);
    expect(r1.status).toBe(409);
    expect(r1.headers.get('retry-after')).toBe('5');
    expect((await r1.json()).error.code).toBe('busy');

    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r2 = await apiHandler(async () => {
      throw new Error('disk full');
    })(event);
    log.mockRestore();
    expect(r2.status).toBe(500);
    expect(await r2.json()).toEqual({ error: { code: 'internal_error', message: 'GET /api/things/7 failed: disk full' } });
  });
});
