/**
 * Access rules of the built server: it refuses to listen beyond loopback without an API key;
 * with TUNEBENCH_API_KEY every /v1 and /api request needs the key (the openai client's typed
 * AuthenticationError when it is wrong), pages send browsers to /login, and the login cookie
 * opens them. Cross-site form posts stay refused while API clients (no Origin) can upload.
 */
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/support/app.ts';
import { startApiServer } from './helpers.ts';

const KEY = 'tb-test-key-0123456789abcdef';

describe('server access', () => {
  it('refuses to listen on all interfaces without an API key', async () => {
    const err = await startApp({ env: { HOST: '0.0.0.0' } }).then(
      async (app) => {
        await app.stop();
        return null;
      },
      (e: Error) => e
    );
    expect(err?.message).toMatch(/exited with code 1/);
    expect(err?.message).toMatch(/refusing to listen on 0\.0\.0\.0.*TUNEBENCH_API_KEY/s);
  }, 120_000);

  describe('with TUNEBENCH_API_KEY on 0.0.0.0', () => {
    let app: RunningApp;
    let client: OpenAI;

    beforeAll(async () => {
      ({ app, client } = await startApiServer({ HOST: '0.0.0.0', TUNEBENCH_API_KEY: KEY }));
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
    });

    it('answers /v1 with the key and refuses it without or with a wrong one', async () => {
      expect((await client.models.list()).data.length).toBeGreaterThan(0);
      const wrong = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: `${KEY}x`, maxRetries: 0 });
      const err = await wrong.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
      const bare = await fetch(`${app.url}/v1/models`);
      expect(bare.status).toBe(401);
      expect((await bare.json()).error.type).toBe('invalid_request_error');
    });

    it('guards /api and pages; the login page sets a cookie that opens them', async () => {
      expect((await fetch(`${app.url}/api/health`)).status).toBe(401);
      expect((await fetch(`${app.url}/api/health`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
      const page = await fetch(`${app.url}/models`, { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/login?next=%2Fmodels');
      const login = (key: string) =>
        fetch(`${app.url}/login?next=%2Fmodels`, { method: 'POST', redirect: 'manual', headers: { origin: app.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }) });
      expect((await login('nope')).status).toBe(401);
      const ok = await login(KEY);
      expect(ok.status).toBe(303);
      const cookie = ok.headers.get('set-cookie')!;
      expect(cookie).toMatch(/tunebench_key=.*HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const again = await fetch(`${app.url}/api/health`, { headers: { cookie: cookie.split(';')[0] } });
      expect(again.status).toBe(200);
    });
  });

  describe('upload limits and cross-site requests on loopback', () => {
    let app: RunningApp;
    beforeAll(async () => {
      ({ app } = await startApiServer({ TUNEBENCH_MAX_UPLOAD: '64K' }));
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
    });

    it('refuses an upload over TUNEBENCH_MAX_UPLOAD with 413 and keeps nothing of it', async () => {
    const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'a'.repeat(500) }, { role: 'assistant', content: 'b' }] });
    const big = new File([Array.from({ length: 200 }, () => line).join('\n')], 'big.jsonl');
    const err = await client.files.create({ file: big, purpose: 'fine-tune' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('file_too_large');
    const filesDir = path.join(app.workspace, '.tunebench', 'files');
    expect(fs.existsSync(filesDir) ? fs.readdirSync(filesDir) : []).toEqual([]);
  });

  it('refuses a browser form post from another site, and accepts an API client without Origin', async () => {
      const form = () => {
        const f = new FormData();
        f.set('purpose', 'fine-tune');
        f.set('file', new Blob(['{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}\n']), 'x.jsonl');
        return f;
      };
      const evil = await fetch(`${app.url}/v1/files`, { method: 'POST', body: form(), headers: { origin: 'https://evil.example' } });
      expect(evil.status).toBe(403);
      const evilJob = await fetch(`${app.url}/v1/fine_tuning/jobs`, { method: 'POST', body: '{"model":"x","training_file":"y"}', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } });
      expect(evilJob.status).toBe(403);
      const api = await fetch(`${app.url}/v1/files`, { method: 'POST', body: form() });
      expect(api.status).toBe(200);
      expect((await api.json()).status).toBe('processed');
    });
  });
});
