import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sweepDeadTemps, tempPathFor, writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
import { withLock } from './lock.ts';

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tb-atomic-'));
}

describe('atomic writes', () => {
  it('replaces the target and leaves no temporary file behind', async () => {
    const dir = tmpdir();
    const target = path.join(dir, 'sub', 'x.json');
    await writeJsonAtomic(target, { a: 1 });
    await writeJsonAtomic(target, { a: 2 });
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toEqual({ a: 2 });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['x.json']);
  });

  it('keeps the old file when the write fails', async () => {
    const dir = tmpdir();
    const target = path.join(dir, 'x.txt');
    await writeFileAtomic(target, 'old');
    fs.mkdirSync(path.join(dir, 'blocker'));
    // renaming a file over a non-empty directory fails: the old target must survive untouched
    fs.writeFileSync(path.join(dir, 'blocker', 'f'), '');
    await expect(writeFileAtomic(path.join(dir, 'blocker'), 'new')).rejects.toThrow();
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).sort()).toEqual(['blocker', 'x.txt']);
  });
});

describe('withLock', () => {
  it('serialises concurrent read-modify-write', async () => {
    const dir = tmpdir();
    const counter = path.join(dir, 'n');
    fs.writeFileSync(counter, '0');
    const bump = () =>
      withLock(path.join(dir, 'lock'), async () => {
        const n = Number(fs.readFileSync(counter, 'utf8'));
        await new Promise((r) => setTimeout(r, 2));
        fs.writeFileSync(counter, String(n + 1));
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect(fs.readFileSync(counter, 'utf8')).toBe('20');
  });

  it('takes over a lock whose owner process is gone', async () => {
    const dir = tmpdir();
    const lock = path.join(dir, 'lock');
    fs.writeFileSync(lock, '999999999');
    const result = await withLock(lock, async () => 'got it', 2000);
    expect(result).toBe('got it');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('sweeping temporary files of dead writers', () => {
  it('removes the temp files of a process that is gone, and keeps live ones and ordinary files', async () => {
    const dir = tmpdir();
    // A real pid that has exited: a child that ran and finished.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const deadTmp = `.abc.parquet.${dead}.0badf00d.tmp`;
    fs.writeFileSync(path.join(dir, deadTmp), 'half');
    const liveTmp = path.basename(tempPathFor(path.join(dir, 'def.parquet')));
    fs.writeFileSync(path.join(dir, liveTmp), 'being written');
    fs.writeFileSync(path.join(dir, 'abc.parquet'), 'kept');
    fs.writeFileSync(path.join(dir, 'notes.tmp'), 'not ours');
    expect(await sweepDeadTemps(dir)).toEqual([deadTmp]);
    expect(fs.readdirSync(dir).sort()).toEqual([liveTmp, 'abc.parquet', 'notes.tmp'].sort());
  });
});
