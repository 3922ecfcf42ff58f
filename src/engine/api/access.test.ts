import { describe, expect, it } from 'vitest';
import { accessPolicy, isLoopback, isPublicPath, keyMatches, presentedKey } from './access.ts';

const KEY = '0123456789abcdef-key';

describe('access policy', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses to listen beyond loopback without a key (adapter-node binds 0.0.0.0 when HOST is unset)', () => {
    expect(accessPolicy({ HOST: '127.0.0.1' })).toEqual({ ok: true, policy: { key: null, host: '127.0.0.1' } });
    const open = accessPolicy({});
    expect(open.ok).toBe(false);
    expect(!open.ok && open.message).toMatch(/refusing to listen on 0\.0\.0\.0/);
    expect(accessPolicy({ HOST: '0.0.0.0', TUNEBENCH_API_KEY: KEY })).toEqual({ ok: true, policy: { key: KEY, host: '0.0.0.0' } });
    expect(accessPolicy({ HOST: '0.0.0.0', TUNEBENCH_API_KEY: 'short' }).ok).toBe(false);
    expect(accessPolicy({ SOCKET_PATH: '/tmp/s.sock' }).ok).toBe(true);
  });

  it('compares keys exactly', () => {
    expect(keyMatches(KEY, KEY)).toBe(true);
    expect(keyMatches(`${KEY}x`, KEY)).toBe(false);
    expect(keyMatches(KEY.slice(0, -1), KEY)).toBe(false);
    expect(keyMatches('', KEY)).toBe(false);
    expect(keyMatches(null, KEY)).toBe(false);
  });

  it('reads the key from a bearer token, x-api-key or the login cookie', () => {
    expect(presentedKey(new Headers({ authorization: `Bearer ${KEY}` }))).toBe(KEY);
    expect(presentedKey(new Headers({ 'x-api-key': KEY }))).toBe(KEY);
    expect(presentedKey(new Headers({ cookie: `theme=dark; tunebench_key=${encodeURIComponent(KEY)}` }))).toBe(KEY);
    expect(presentedKey(new Headers({ authorization: 'Basic abc' }))).toBe(null);
    expect(isPublicPath('/login')).toBe(true);
    expect(isPublicPath('/_app/immutable/x.js')).toBe(true);
    expect(isPublicPath('/v1/models')).toBe(false);
  });
});
