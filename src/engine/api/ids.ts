/**
 * Object ids in OpenAI's style: a prefix and random base-62 characters (file-…, ftjob-…,
 * ftckpt_…, chatcmpl-…). Ids arrive in URLs, so every parser is a whole-string pattern: an id
 * can never carry a path separator, '..' or anything else that would reach outside its folder.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random base-62 characters (rejection sampling, so every character is equally likely). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

export const FILE_ID = /^file-[A-Za-z0-9]{24}$/;
export const JOB_ID = /^ftjob-[A-Za-z0-9]{24}$/;

export function newFileId(): string {
  return `file-${randomBase62(24)}`;
}

export function newJobId(): string {
  return `ftjob-${randomBase62(24)}`;
}

export function isFileId(id: string): boolean {
  return FILE_ID.test(id);
}

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** Unix seconds, as OpenAI's objects carry them. */
export function unixSeconds(iso: string | number | Date): number {
  const t = typeof iso === 'number' ? iso : new Date(iso).getTime();
  return Math.floor(t / 1000);
}
