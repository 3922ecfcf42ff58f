/**
 * Who may use the server. It listens on 127.0.0.1 by default (scripts/start.js); binding any
 * other address (HOST=0.0.0.0, a LAN address, or adapter-node's own default when HOST is unset)
 * requires TUNEBENCH_API_KEY, and the server refuses to start without one. With a key set, every
 * request must carry it — `Authorization: Bearer KEY` (what OpenAI clients send), `x-api-key: KEY`,
 * or the `tunebench_key` cookie the /login page sets for browsers — and the comparison is
 * constant-time: both sides are hashed with SHA-256 and compared with crypto.timingSafeEqual, so
 * neither the key's content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const KEY_COOKIE = 'tunebench_key';

export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export interface AccessPolicy {
  /** The key every request must carry, or null (loopback without a key: open). */
  key: string | null;
  host: string;
}

/**
 * The policy for a server about to listen, or an error message saying why it must not start.
 * adapter-node binds 0.0.0.0 when HOST is unset; a unix socket (SOCKET_PATH) counts as local.
 */
export function accessPolicy(env: NodeJS.ProcessEnv = process.env): { ok: true; policy: AccessPolicy } | { ok: false; message: string } {
  const key = env.TUNEBENCH_API_KEY?.trim() || null;
  const host = env.SOCKET_PATH ? 'localhost' : (env.HOST ?? '0.0.0.0');
  if (key !== null && key.length < 16) return { ok: false, message: 'TUNEBENCH_API_KEY is too short: use at least 16 characters (e.g. openssl rand -hex 24)' };
  if (!isLoopback(host) && key === null) {
    return {
      ok: false,
      message: `refusing to listen on ${host}: a server reachable from other machines needs an API key. Set TUNEBENCH_API_KEY (at least 16 characters; clients send it as "Authorization: Bearer KEY"), or listen on 127.0.0.1 only (HOST=127.0.0.1, the default of npm start).`
    };
  }
  return { ok: true, policy: { key, host } };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison of a presented key with the configured one. */
export function keyMatches(presented: string | null, key: string): boolean {
  // Always hash and compare, even without a presented key, so a missing key takes as long as a wrong one.
  const ok = timingSafeEqual(digest(presented ?? ''), digest(key));
  return ok && presented !== null;
}

function cookie(header: string | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The key a request carries: Authorization Bearer, x-api-key, or the login cookie. */
export function presentedKey(headers: Headers): string | null {
  const auth = headers.get('authorization');
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1] ?? null : null;
  return bearer ?? headers.get('x-api-key') ?? cookie(headers.get('cookie'), KEY_COOKIE);
}

/** Paths a browser may load without the key: the login page and the app's static assets. */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/login' || pathname.startsWith('/_app/') || pathname === '/favicon.ico' || pathname === '/favicon.png' || pathname === '/robots.txt';
}
