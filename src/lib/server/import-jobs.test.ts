/**
 * Upload jobs run in their own process (real child processes, real files from ../shared): an
 * uploaded dataset is imported through the child into the catalog with a row per line; a
 * validate-only upload of a bad file reports its findings on the lines the bad corpus's manifest
 * lists; an import whose process is killed midway, or stopped as on server shutdown, ends
 * interrupted (job.json, events.jsonl, the SSE events) and leaves the catalog as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, shared, sharedAvailable } from '../../../tests/support/shared.ts';
import { readCatalog } from '../../engine/data/catalog.ts';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { jobEvents, jobPaths, readJob, runningUploadJobs, settled, startUploadJob, stopUploadJobs, uploadSettings } from './import-jobs.ts';
import { receiveUpload, type ReceivedUpload } from './uploads.ts';
import { distinctBankingFile } from '../../../tests/support/datasets.ts';

let dir: string;
let ws: Workspace;
/** ~19 MB: 60,000 distinct conversations made from banking77's lines, long enough to stop midway. */
let big: string;

beforeAll(async () => {
  if (!sharedAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-import-jobs-'));
  ws = await openWorkspace(path.join(dir, 'ws'), { create: true });
  big = distinctBankingFile(dir, 60_000);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The file's bytes as an upload request body, streamed as the browser sends it. */
async function upload(file: string, name = path.basename(file)): Promise<ReceivedUpload> {
  const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  const request = new Request('http://x/api/uploads', { method: 'POST', body, duplex: 'half' } as RequestInit & { duplex: 'half' });
  return receiveUpload(ws, request, name);
}

const settings = (q: Record<string, string>, file: string) => uploadSettings(new URLSearchParams(q), file);

async function events(id: string): Promise<{ event: string; data: unknown }[]> {
  const all: { event: string; data: unknown }[] = [];
  for await (const e of jobEvents(ws, id, 0, new AbortController().signal)) all.push({ event: e.event, data: e.data });
  return all;
}

/** Starts importing `big` as dataset `big`; resolves with the job id and its child's pid once its first progress line is logged. */
async function bigImportUnderWay(): Promise<{ id: string; pid: number }> {
  const up = await upload(big);
  await startUploadJob(ws, up, 'big.jsonl', settings({ name: 'big' }, 'big.jsonl'));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = runningUploadJobs().find((j) => j.id === up.id)?.pid;
    const logged = fs.readFileSync(jobPaths(ws, up.id).events, 'utf8');
    if (pid && logged.includes('"type":"progress"')) {
      expect(logged).not.toContain('"type":"done"');
      return { id: up.id, pid };
    }
    if (Date.now() > deadline) throw new Error(`no progress from upload ${up.id} within 30 s: ${logged}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describeShared('upload jobs in their own process', () => {
  it('imports a real dataset through the child: the catalog has it with a row per line', async () => {
    const file = shared('datasets', 'banking77.chat.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;
    const up = await upload(file);
    await startUploadJob(ws, up, 'banking77.chat.jsonl', settings({ name: 'banking' }, 'banking77.chat.jsonl'));
    const pid = runningUploadJobs().find((j) => j.id === up.id)?.pid;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    await settled(up.id);
    const job = await readJob(ws, up.id);
    expect(job).toMatchObject({ state: 'done', error: null });
    expect(job.outcome).toMatchObject({ ok: true, status: 'created', name: 'banking', version: 1, rows: lines, records: lines, errors: 0 });
    expect((await readCatalog(ws)).datasets.banking.versions.map((v) => v.rows)).toEqual([lines]);
    const ev = await events(up.id);
    expect(ev.map((e) => e.event).filter((t) => t !== 'progress')).toEqual(['done', 'end']);
    expect(ev.some((e) => e.event === 'progress')).toBe(true);
  });

  it('validate only: a bad file’s findings on the manifest’s lines, and no dataset', async () => {
    const manifest = JSON.parse(fs.readFileSync(shared('datasets', 'bad', 'manifest.json'), 'utf8')) as { file: string; fault_lines: number[] }[];
    const m = manifest.find((e) => e.file === 'message_missing_key.jsonl')!;
    const up = await upload(shared('datasets', 'bad', m.file));
    await startUploadJob(ws, up, m.file, settings({ mode: 'validate' }, m.file));
    await settled(up.id);
    const o = (await readJob(ws, up.id)).outcome!;
    expect(o).toMatchObject({ mode: 'validate', ok: false, status: 'invalid', name: null, file: m.file });
    expect([...new Set(o.findings.filter((f) => f.line !== null).map((f) => f.line))].sort((a, b) => a! - b!)).toEqual(m.fault_lines);
    expect(o.findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
    expect(Object.keys((await readCatalog(ws)).datasets)).toEqual(['banking']);
  });

  it('a child killed midway: the job ends interrupted and the catalog is as it was', async () => {
    const before = fs.readFileSync(ws.catalogPath, 'utf8');
    const { id, pid } = await bigImportUnderWay();
    process.kill(pid, 'SIGKILL');
    await settled(id);
    const job = await readJob(ws, id);
    expect(job.state).toBe('interrupted');
    expect(job.error).toMatch(/exited \(SIGKILL\) before it finished; nothing was imported/);
    expect(job.outcome).toBeNull();
    const ev = await events(id);
    expect(ev.map((e) => e.event).filter((t) => t !== 'progress')).toEqual(['failed', 'end']);
    expect(ev.at(-1)!.data).toEqual({ state: 'interrupted' });
    expect(fs.readFileSync(ws.catalogPath, 'utf8')).toBe(before);
  });

  it('stopped as on server shutdown: interrupted, nothing imported; the same file imports afterwards', async () => {
    const before = fs.readFileSync(ws.catalogPath, 'utf8');
    const { id } = await bigImportUnderWay();
    stopUploadJobs();
    await settled(id);
    const job = await readJob(ws, id);
    expect(job).toMatchObject({ state: 'interrupted', error: 'the import was stopped (SIGTERM) before it finished; nothing was imported. Upload it again.' });
    expect(fs.readFileSync(ws.catalogPath, 'utf8')).toBe(before);
    expect(fs.readdirSync(ws.dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const again = await upload(big);
    await startUploadJob(ws, again, 'big.jsonl', settings({ name: 'big' }, 'big.jsonl'));
    await settled(again.id);
    expect((await readJob(ws, again.id)).outcome).toMatchObject({ ok: true, status: 'created', rows: 60_000 });
    expect(runningUploadJobs()).toEqual([]);
  });
});
