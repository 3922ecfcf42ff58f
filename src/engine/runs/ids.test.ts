import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateRunId, formatRunId } from './ids.ts';
import { isRunId } from './layout.ts';

describe('run ids', () => {
  it('are UTC time to the second plus 6 hex digits, and sort by time', () => {
    expect(formatRunId(new Date(Date.UTC(2026, 10, 21, 17, 25, 1)), 'ab12cd')).toBe('20261121-172501-ab12cd');
    expect(formatRunId(new Date(Date.UTC(2026, 10, 21, 9, 5, 1)), 'ffffff') < formatRunId(new Date(Date.UTC(2026, 10, 21, 17, 5, 1)), '000000')).toBe(true);
    expect(isRunId('20261121-172501-ab12cd')).toBe(true);
    expect(isRunId('../20261121-172501-ab12cd')).toBe(false);
  });

  it('sort by start time to the millisecond', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-ids-'));
    const a = await allocateRunId(dir, () => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 999)));
    const b = await allocateRunId(dir, () => new Date(Date.UTC(2026, 0, 1, 0, 0, 1, 1)));
    const c = await allocateRunId(dir, () => new Date(Date.UTC(2026, 0, 1, 0, 0, 1, 2)));
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(a).toMatch(/^20260101-000000-3e7[0-9a-f]{3}$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are unique even when many runs start in the same millisecond', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-ids-'));
    const fixed = () => new Date(Date.UTC(2026, 0, 1));
    const ids = await Promise.all(Array.from({ length: 40 }, () => allocateRunId(dir, fixed)));
    expect(new Set(ids).size).toBe(40);
    expect(fs.readdirSync(dir).sort()).toEqual([...ids].sort());
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
