import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../workspace.ts';
import { fileContentHash } from './file-hash.ts';

describe('source file hashes', () => {
  it('hash the content, and re-read a file only when its size or mtime changed', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-fh-'));
    const ws = await openWorkspace(root, { create: true });
    const file = path.join(root, 'data.jsonl');
    fs.writeFileSync(file, 'one\n');
    const first = await fileContentHash(ws, file);
    expect(first).toEqual({ sha256: createHash('sha256').update('one\n').digest('hex'), size: 4, rehashed: true });
    expect((await fileContentHash(ws, file)).rehashed).toBe(false);
    fs.writeFileSync(file, 'two\n'); // same size, new mtime
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await fileContentHash(ws, file);
    expect(second.rehashed).toBe(true);
    expect(second.sha256).toBe(createHash('sha256').update('two\n').digest('hex'));
    fs.rmSync(root, { recursive: true, force: true });
  });
});
