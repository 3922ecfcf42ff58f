/**
 * Run ids: UTC time to the second, then 6 hex digits: 3 for the milliseconds (000-3e7) and 3
 * random (20261121-172501-1f4a9c). They sort by start time as strings (to the millisecond), read
 * well in a terminal, and are unique: the run folder is created with an exclusive mkdir, and a
 * clash draws again.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export function formatRunId(date: Date, random: string): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const d = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}`;
  const t = `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
  return `${d}-${t}-${random}`;
}

/** Creates a fresh, empty run folder under `runsDir` and returns its id. */
export async function allocateRunId(runsDir: string, now = () => new Date()): Promise<string> {
  await fsp.mkdir(runsDir, { recursive: true });
  for (let attempt = 0; attempt < 100; attempt++) {
    const t = now();
    const id = formatRunId(t, t.getUTCMilliseconds().toString(16).padStart(3, '0') + randomBytes(2).toString('hex').slice(0, 3));
    try {
      await fsp.mkdir(path.join(runsDir, id));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`could not allocate a run id in ${runsDir}`);
}
