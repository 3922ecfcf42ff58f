/**
 * The import door: idempotent re-import, versioning, failed imports that leave the workspace as
 * it was, --skip-invalid, and worker threads giving exactly what a single-threaded scan gives.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDataset, validateFile } from '../../src/engine/data/import.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { workersAvailable } from '../../src/engine/data/import/scan.ts';
import type { Workspace } from '../../src/engine/workspace.ts';
import { describeShared, shared } from '../support/shared.ts';
import { datasetRows, snapshot, tempDir, tempWorkspace, writeFile } from './helpers.ts';

const line = (u: string, a: string, intent = 'billing') => JSON.stringify({ messages: [{ role: 'system', content: 'S' }, { role: 'user', content: u }, { role: 'assistant', content: a }], intent });
const good = (n: number, tag = '') => Array.from({ length: n }, (_, i) => line(`question ${i}${tag}`, `answer ${i}`)).join('\n') + '\n';

describe('importDataset', () => {
  let ws: Workspace;
  let dir: string;
  beforeAll(async () => {
    ws = await tempWorkspace();
    dir = tempDir();
  });

  it('re-importing identical bytes and options is a no-op; new bytes make a new version', async () => {
    const file = writeFile(dir, 'support.jsonl', good(12));
    const first = await importDataset(ws, file);
    expect([first.ok, first.status, first.name, first.rows, first.version?.version]).toEqual([true, 'created', 'support', 12, 1]);
    const before = snapshot(ws.dir);
    const again = await importDataset(ws, file);
    expect([again.ok, again.status, again.version?.version]).toEqual([true, 'unchanged', 1]);
    expect(snapshot(ws.dir)).toEqual(before);
    // Different options are a different import.
    const skip = await importDataset(ws, file, { skipInvalid: true });
    expect([skip.status, skip.version?.version]).toEqual(['versioned', 2]);
    fs.appendFileSync(file, line('one more', 'yes') + '\n');
    const third = await importDataset(ws, file);
    expect([third.status, third.rows, third.version?.version]).toEqual(['versioned', 13, 3]);
    const cat = await readCatalog(ws);
    expect(cat.datasets.support.versions.map((v) => v.rows)).toEqual([12, 12, 13]);
    expect(cat.datasets.support.versions[2].lineage).toMatchObject({ kind: 'import', file, format: 'openai (jsonl)' });
  });

  it('the same content under another name reuses the stored file', async () => {
    const file = writeFile(dir, 'copy.jsonl', good(10, 'c'));
    const a = await importDataset(ws, file, { name: 'copy_a' });
    const b = await importDataset(ws, file, { name: 'copy_b' });
    expect(b.status).toBe('created');
    expect(b.version!.file).toBe(a.version!.file);
  });

  it('a failed import changes nothing: no files, no catalog entry', async () => {
    const lines = good(12).trim().split('\n');
    lines[4] = '{"messages": [{"role": "user", "content": "x"}'; // truncated
    lines[7] = line('', 'empty question');
    const file = writeFile(dir, 'broken.jsonl', lines.join('\n') + '\n');
    const before = snapshot(ws.root);
    const r = await importDataset(ws, file, { name: 'broken' });
    expect(r.ok).toBe(false);
    expect(r.status).toBe('failed');
    expect(r.skippedLines).toEqual([5, 8]);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}@${f.line}`)).toEqual(['json_truncated@5', 'missing_content@8']);
    expect(snapshot(ws.root)).toEqual(before);
    expect(fs.readdirSync(ws.tmpDir)).toEqual([]);
    // Nor in the memory file system where big imports keep their intermediate files.
    const shm = fs.existsSync('/dev/shm') ? fs.readdirSync('/dev/shm').filter((f) => f.startsWith(`tunebench-import-${process.pid}-`)) : [];
    expect(shm).toEqual([]);
  });

  it('--skip-invalid imports the valid rows and reports the skipped lines', async () => {
    const lines = good(12).trim().split('\n');
    lines[2] = "{'messages': []}";
    lines[10] = '{"messages": [{"role": "bot", "content": "x"}]}';
    const file = writeFile(dir, 'partly.jsonl', lines.join('\n') + '\n');
    const r = await importDataset(ws, file, { skipInvalid: true });
    expect([r.ok, r.rows, r.skippedLines]).toEqual([true, 10, [3, 11]]);
    const rows = await datasetRows<{ source_line: number }>(ws, 'partly', 'source_line');
    expect(rows.map((x) => x.source_line)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 12]);
    expect((await readCatalog(ws)).datasets.partly.versions[0].lineage).toMatchObject({ skipped_lines: [3, 11] });
  });

  it('rejects bad names and missing files with a clear message', async () => {
    await expect(importDataset(ws, writeFile(dir, 'x.jsonl', good(10)), { name: 'messages' })).rejects.toThrow(/reserved/);
    await expect(importDataset(ws, writeFile(dir, 'y.jsonl', good(10)), { name: '1abc' })).rejects.toThrow(/must start with a letter/);
    await expect(importDataset(ws, `${dir}/nope.jsonl`)).rejects.toThrow(/no such file/);
  });

  it('reports duplicates with the line they repeat', async () => {
    const r = await validateFile(writeFile(dir, 'dups.jsonl', good(10) + line('question 3', 'answer 3', 'other') + '\n'));
    expect(r.duplicates).toBe(1);
    expect(r.findings.filter((f) => f.code === 'duplicate_example').map((f) => [f.line, f.message])).toEqual([[11, 'the same conversation as line 4']]);
  });

  it('columns whose keys differ only in case get distinct names', async () => {
    const text = [line('a', 'b'), JSON.stringify({ messages: [{ role: 'user', content: 'c' }, { role: 'assistant', content: 'd' }], Intent: 'X' })].join('\n') + '\n';
    const r = await importDataset(ws, writeFile(dir, 'cases.jsonl', text));
    expect(r.ok).toBe(true);
    expect(r.version!.columns.map((c) => c.name)).toContain('Intent_2');
    expect((await datasetRows<Record<string, unknown>>(ws, 'cases', 'intent, "Intent_2"')).map((x) => [x.intent, x.Intent_2])).toEqual([
      ['billing', null],
      [null, 'X']
    ]);
  });
});

describeShared('worker threads', () => {
  it('scanning in 2 workers gives the same rows and findings (with absolute lines) as 1', async () => {
    expect(workersAvailable()).toBe(true);
    const dir = tempDir();
    const lines = fs.readFileSync(shared('datasets', 'banking77.chat.jsonl'), 'utf8').trim().split('\n');
    lines[2] = lines[2].slice(0, 40); // truncated
    lines[7000] = lines[7000].replace('"role": "user"', '"role": "human"');
    lines[13000] = '';
    lines[12999] = lines[12999] + '\r';
    const file = writeFile(dir, 'b77.jsonl', lines.join('\n') + '\n');
    const results = [];
    for (const workers of [1, 2]) {
      const ws = await tempWorkspace();
      const r = await importDataset(ws, file, { skipInvalid: true, workers });
      const rows = await datasetRows<{ conversation_id: string; source_line: number; intent: string }>(ws, 'b77', 'conversation_id, source_line, intent');
      results.push({ r, rows });
    }
    const [one, two] = results;
    expect(two.r.rows).toBe(13080);
    expect(two.rows).toEqual(one.rows);
    expect(two.r.skippedLines).toEqual([3, 7001]);
    const key = (f: { code: string; line: number | null; column: number | null; path: string }) => `${f.code}@${f.line}:${f.column}:${f.path}`;
    expect(two.r.findings.map(key)).toEqual(one.r.findings.map(key));
    expect(two.r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}@${f.line}`)).toEqual(['json_truncated@3', 'unrecognized_role@7001']);
    expect(two.r.findings.some((f) => f.code === 'crlf_line_endings')).toBe(true);
  });

  it('a big re-import is a no-op even though its scan starts before the hash is known', async () => {
    const dir = tempDir();
    const text = fs.readFileSync(shared('datasets', 'banking77.chat.jsonl'), 'utf8');
    const file = writeFile(dir, 'big.jsonl', text.repeat(5)); // 20 MB: scanned speculatively
    const ws = await tempWorkspace();
    const first = await importDataset(ws, file);
    expect([first.status, first.rows]).toEqual(['created', 5 * 13083]);
    const before = snapshot(ws.dir);
    const again = await importDataset(ws, file);
    expect(again.status).toBe('unchanged');
    expect(snapshot(ws.dir)).toEqual(before);
    expect(fs.readdirSync(ws.tmpDir)).toEqual([]);
  });
});
