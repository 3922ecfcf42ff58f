import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { importDataset } from '../../engine/data/import.ts';
import { readCatalog, versionPath } from '../../engine/data/catalog.ts';
import { queryRows, sqlString } from '../../engine/data/duckdb.ts';
import { ApiFailure } from './api-error.ts';
import { isUploadId, newUploadId, parseByteSize, receiveUpload, safeUploadName, sweepUploads, uploadLimit, uploadsDir } from './uploads.ts';
import { jobEvents, jobPaths, readJob, settled, startUploadJob, uploadSettings } from './import-jobs.ts';

const failure = (status: number, code: string) => (e: unknown) => e instanceof ApiFailure && e.status === status && e.code === code;

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    }
  });
}
const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request('http://x/api/uploads', { method: 'POST', body, headers, duplex: 'half' } as RequestInit & { duplex: 'half' });

function record(i: number, intent = 'billing'): string {
  return JSON.stringify({ messages: [{ role: 'user', content: `question ${i}` }, { role: 'assistant', content: `answer ${i}` }], intent });
}

let ws: Workspace;
beforeEach(async () => {
  ws = await openWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-uploads-')), { create: true });
});

describe('receiving uploads', () => {
  it('names: base name only, known dataset extensions only', () => {
    expect(safeUploadName('C:\\Users\\me\\My Data.JSONL')).toBe('My_Data.jsonl');
    expect(safeUploadName('../../etc/passwd.csv')).toBe('passwd.csv');
    expect(safeUploadName('.hidden.json')).toBe('hidden.json');
    expect(() => safeUploadName('notes.txt')).toThrow(ApiFailure);
    expect(() => safeUploadName('')).toThrow(ApiFailure);
    const id = newUploadId(new Date('2026-01-02T03:04:05Z'));
    expect(id).toMatch(/^u-20260102-030405-[0-9a-f]{6}$/);
    expect(isUploadId(id)).toBe(true);
    expect(isUploadId('../u-20260102-030405-abcdef')).toBe(false);
  });

  it('limits: sizes in bytes or with K/M/G, from TUNEBENCH_UPLOAD_LIMIT', () => {
    expect(parseByteSize('512M')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize('lots')).toBeNull();
    expect(uploadLimit({ TUNEBENCH_UPLOAD_LIMIT: '2K' })).toBe(2048);
    expect(uploadLimit({})).toBe(512 * 1024 ** 2);
  });

  it('streams the body to the upload folder', async () => {
    const text = `${record(1)}\n${record(2)}\n`;
    const r = await receiveUpload(ws, post(streamOf([text.slice(0, 10), text.slice(10)])), 'tickets.jsonl');
    expect(fs.readFileSync(r.file, 'utf8')).toBe(text);
    expect(r.bytes).toBe(Buffer.byteLength(text));
    expect(path.dirname(r.file)).toBe(path.join(uploadsDir(ws), r.id));
  });

  it('refuses a body over the limit with a clear 413 and leaves nothing behind', async () => {
    // Declared length over the limit, and a streamed body without a length that grows past it.
    await expect(receiveUpload(ws, post('x'.repeat(100), { 'content-length': '100' }), 'a.jsonl', { maxBytes: 50 })).rejects.toSatisfy(failure(413, 'upload_too_large'));
    const e = await receiveUpload(ws, post(streamOf(['x'.repeat(30), 'x'.repeat(30)])), 'a.jsonl', { maxBytes: 50 }).catch((x: unknown) => x);
    expect(e).toSatisfy(failure(413, 'upload_too_large'));
    expect((e as ApiFailure).message).toContain('tunebench import');
    expect(fs.readdirSync(uploadsDir(ws))).toEqual([]);
    await expect(receiveUpload(ws, post(''), 'empty.jsonl')).rejects.toSatisfy(failure(400, 'empty_upload'));
    expect(fs.readdirSync(uploadsDir(ws))).toEqual([]);
  });

  it('sweeps old uploads that no dataset came from, and keeps the sources of imported versions', async () => {
    const kept = await receiveUpload(ws, post(`${record(1)}\n${record(2)}\n`), 'kept.jsonl');
    const r = await importDataset(ws, kept.file, { name: 'kept', workers: 1 });
    expect(r.ok).toBe(true);
    const old = await receiveUpload(ws, post(`${record(3)}\n`), 'old.jsonl');
    const fresh = await receiveUpload(ws, post(`${record(4)}\n`), 'fresh.jsonl');
    const day = 24 * 3600_000;
    const past = new Date(Date.now() - 2 * day);
    for (const u of [kept, old]) fs.utimesSync(u.dir, past, past);
    expect(await sweepUploads(ws)).toBe(1);
    expect(fs.readdirSync(uploadsDir(ws)).sort()).toEqual([kept.id, fresh.id].sort());
  });
});

describe('upload jobs', () => {
  const settings = (q: Record<string, string>, file = 'tickets.jsonl') => uploadSettings(new URLSearchParams(q), file);

  it('reads and checks the settings', () => {
    expect(settings({})).toEqual({ mode: 'import', name: 'tickets', format: null, skipInvalid: false });
    expect(settings({ mode: 'validate', format: 'csv', skipInvalid: '1', name: 'x' })).toEqual({ mode: 'validate', name: 'x', format: 'csv', skipInvalid: true });
    expect(() => settings({ name: 'bad name' })).toThrow(ApiFailure);
    expect(() => settings({ format: 'yaml' })).toThrow(ApiFailure);
    expect(() => settings({ mode: 'delete' })).toThrow(ApiFailure);
    expect(settings({ map: ' user=q,assistant=a,system="Be brief, please." ' })).toEqual({ mode: 'import', name: 'tickets', format: null, skipInvalid: false, map: 'user=q,assistant=a,system="Be brief, please."' });
    expect(settings({ map: '' })).not.toHaveProperty('map');
  });

  it('a map that does not parse is a 400 bad_mapping naming the part, on the map field', () => {
    for (const [map, message] of [
      ['user=q,assistant', "cannot read mapping at 'assistant': expected target=column[,target=column...]"],
      ['user=q,assistant=', 'mapping assistant= names no column'],
      [',', "cannot read mapping at ',': expected target=column[,target=column...]"]
    ]) {
      const e = (() => {
        try {
          return settings({ map });
        } catch (x) {
          return x;
        }
      })();
      expect(e).toSatisfy(failure(400, 'bad_mapping'));
      expect(e).toMatchObject({ message, details: { field: 'map' } });
    }
  });

  it('imports in the background, logging progress and then the report; events replay from any offset', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => record(i + 1, i % 2 ? 'billing' : 'shipping'));
    const up = await receiveUpload(ws, post(lines.join('\n') + '\n'), 'tickets.jsonl');
    const job = await startUploadJob(ws, up, 'tickets.jsonl', settings({ name: 'tickets' }));
    expect(job.state).toBe('running');
    await settled(up.id);
    const done = await readJob(ws, up.id);
    expect(done.state).toBe('done');
    expect(done.outcome).toMatchObject({ ok: true, status: 'created', name: 'tickets', version: 1, rows: 50, records: 50, errors: 0 });

    const all: { event: string; data: unknown; id?: number }[] = [];
    for await (const e of jobEvents(ws, up.id, 0, new AbortController().signal)) all.push(e);
    expect(all.map((e) => e.event).filter((t) => t !== 'progress')).toEqual(['done', 'end']);
    expect(all.some((e) => e.event === 'progress')).toBe(true);
    expect(all.at(-1)!.data).toEqual({ state: 'done' });
    // Resuming after the last progress line gives only the rest.
    const lastProgress = all.filter((e) => e.event === 'progress').at(-1)!;
    const rest: string[] = [];
    for await (const e of jobEvents(ws, up.id, lastProgress.id!, new AbortController().signal)) rest.push(e.event);
    expect(rest).toEqual(['done', 'end']);
  });

  it('a file with errors is reported with its lines and changes nothing', async () => {
    const text = `${record(1)}\n{"messages": [}\n${record(3)}\n`;
    const up = await receiveUpload(ws, post(text), 'broken.jsonl');
    await startUploadJob(ws, up, 'broken.jsonl', settings({}, 'broken.jsonl'));
    await settled(up.id);
    const o = (await readJob(ws, up.id)).outcome!;
    expect(o).toMatchObject({ ok: false, status: 'failed', version: null });
    expect(o.findings.filter((f) => f.severity === 'error').map((f) => f.line)).toEqual([2]);
    // The way out, in the form's words rather than the CLI's flag.
    expect(o.message).toContain('tick “Skip invalid records”');
    expect(o.message).not.toContain('--skip-invalid');
    expect(fs.existsSync(ws.catalogPath) ? JSON.parse(fs.readFileSync(ws.catalogPath, 'utf8')).datasets : {}).toEqual({});
  });

  it('validate only: a report and no dataset', async () => {
    const up = await receiveUpload(ws, post(`${record(1)}\n${record(2)}\n`), 'v.jsonl');
    await startUploadJob(ws, up, 'v.jsonl', settings({ mode: 'validate' }, 'v.jsonl'));
    await settled(up.id);
    expect((await readJob(ws, up.id)).outcome).toMatchObject({ mode: 'validate', ok: true, status: 'valid', name: null, records: 2 });
    expect(fs.existsSync(ws.catalogPath) ? Object.keys(JSON.parse(fs.readFileSync(ws.catalogPath, 'utf8')).datasets) : []).toEqual([]);
  });

  it('a job cut off by a restart reads as interrupted', async () => {
    const up = await receiveUpload(ws, post(`${record(1)}\n`), 'cut.jsonl');
    const p = jobPaths(ws, up.id);
    fs.writeFileSync(p.job, JSON.stringify({ id: up.id, file: 'cut.jsonl', bytes: 1, settings: settings({}, 'cut.jsonl'), state: 'running', created_at: '2026-01-01T00:00:00Z', finished_at: null, error: null, outcome: null }));
    fs.writeFileSync(p.events, '');
    const job = await readJob(ws, up.id);
    expect(job.state).toBe('interrupted');
    const events: string[] = [];
    for await (const e of jobEvents(ws, up.id, 0, new AbortController().signal)) events.push(e.event);
    expect(events).toEqual(['failed', 'end']);
    await expect(readJob(ws, 'u-20260101-000000-000000')).rejects.toSatisfy(failure(404, 'upload_not_found'));
  });
});

describe('uploads with a column mapping (CSV)', () => {
  const settings = (q: Record<string, string>, file = 'faq.csv') => uploadSettings(new URLSearchParams(q), file);
  // Columns no guess recognises: q (the question), a (the answer), label (the intent).
  const ROWS = [
    ['How do I reset my password?', 'Use "Forgot password" on the sign-in page.', 'account'],
    ['Where is my parcel, please?', 'It ships tomorrow.', 'shipping'],
    ['Can I pay by card?', 'Yes, every major card.', 'billing']
  ];
  const csv = ['q,a,label', ...ROWS.map((r) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(','))].join('\n') + '\n';

  async function run(q: Record<string, string>) {
    const up = await receiveUpload(ws, post(csv), 'faq.csv');
    await startUploadJob(ws, up, 'faq.csv', settings(q));
    await settled(up.id);
    return readJob(ws, up.id);
  }

  it('without a map: nothing imported, and the report says to fill in the column mapping', async () => {
    const job = await run({ name: 'faq' });
    expect(job.state).toBe('done');
    const o = job.outcome!;
    expect(o).toMatchObject({ ok: false, status: 'failed', version: null, rows: 0, mapping: null });
    expect(o.message).toBe('faq.csv was not imported: line 1: cannot tell which columns hold the conversation (columns: q, a, label); choose them under “Column mapping” (user and assistant) and upload the file again');
    const f = o.findings.find((x) => x.code === 'mapping_error')!;
    expect(f.hint).toMatch(/“Column mapping” on the upload form/);
    // The web wording only: no CLI flag in what the page shows.
    expect(JSON.stringify(o)).not.toContain('--map');
    expect((await readCatalog(ws)).datasets).toEqual({});

    const checked = await run({ mode: 'validate' });
    expect(checked.outcome).toMatchObject({ ok: false, status: 'invalid' });
    expect(checked.outcome!.message).toMatch(/^faq\.csv cannot be read: cannot tell which columns hold the conversation .*“Column mapping”/);
  });

  it('with map=user=q,assistant=a,intent=label: the rows, with an intent column, and the mapping on record', async () => {
    const map = 'user=q,assistant=a,intent=label';
    const job = await run({ name: 'faq', map });
    expect(job.settings.map).toBe(map);
    expect(job.outcome).toMatchObject({ ok: true, status: 'created', name: 'faq', rows: ROWS.length, mapping: { text: map, given: true } });
    const v = (await readCatalog(ws)).datasets.faq.versions[0];
    expect(v.lineage).toMatchObject({ options: { mapping: { user: 'q', assistant: 'a', intent: 'label' } } });
    const rows = await queryRows<{ user_text: string; assistant_text: string; intent: string }>(
      `SELECT user_text, assistant_text, intent FROM read_parquet(${sqlString(versionPath(ws, v))}) ORDER BY source_line`
    );
    expect(rows.map((r) => [r.user_text, r.assistant_text, r.intent])).toEqual(ROWS);
    expect(v.columns.map((c) => c.name)).toContain('intent');
    expect(v.columns.map((c) => c.name)).not.toContain('label');
  });

  it('a mapping naming a column the file lacks: reported in the web’s words', async () => {
    const job = await run({ name: 'faq2', map: 'user=q,assistant=answer' });
    expect(job.outcome).toMatchObject({ ok: false, status: 'failed', mapping: { text: 'user=q,assistant=answer', given: true } });
    expect(job.outcome!.message).toContain("column mapping assistant=answer: no column 'answer'; columns: q, a, label");
  });

  it('a guessed mapping is on record too', async () => {
    const up = await receiveUpload(ws, post('prompt,completion,label\nHi,Hello,greet\n'), 'guess.csv');
    await startUploadJob(ws, up, 'guess.csv', settings({}, 'guess.csv'));
    await settled(up.id);
    expect((await readJob(ws, up.id)).outcome).toMatchObject({ ok: true, rows: 1, mapping: { text: 'user=prompt,assistant=completion', given: false } });
  });
});
