/**
 * Imports and validations in their own process (real child processes, real files from
 * ../shared): a validation finds the bad corpus's faults on the lines its manifest lists, scan
 * worker threads work in the child, an import lands in the catalog with every line of the file
 * as a row, a file that cannot be read fails with its name, and an import stopped with SIGTERM or
 * killed with SIGKILL midway leaves the workspace's catalog and data exactly as they were.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, shared, sharedAvailable } from '../../../../../tests/support/shared.ts';
import { readCatalog, versionPath } from '../../catalog.ts';
import { queryRows, sqlString } from '../../duckdb.ts';
import { openWorkspace, type Workspace } from '../../../workspace.ts';
import { DataJobError, runningDataJobs, startDataJob } from './launch.ts';
import { distinctBankingFile } from '../../../../../tests/support/datasets.ts';

interface Entry {
  file: string;
  fault_lines: number[];
  expected: string;
}
const manifest: Entry[] = sharedAvailable ? JSON.parse(fs.readFileSync(shared('datasets', 'bad', 'manifest.json'), 'utf8')) : [];
const nonBlankLines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;

let dir: string;
let ws: Workspace;
/** Intermediate files of the imports go here (TUNEBENCH_IMPORT_TMP), so leftovers can be seen. */
let work: string;
/** ~19 MB: 60,000 distinct conversations made from banking77's lines, long enough to stop midway. */
let big: string;
const BIG_ROWS = 60_000;

beforeAll(async () => {
  if (!sharedAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-import-process-'));
  work = path.join(dir, 'work');
  fs.mkdirSync(work);
  ws = await openWorkspace(path.join(dir, 'ws'), { create: true });
  big = distinctBankingFile(dir, BIG_ROWS);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Everything under .tunebench except tmp/ (a stopped import's own work), by content. */
function stored(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (p === ws.tmpDir) continue;
      if (e.isDirectory()) walk(p);
      else out[path.relative(ws.dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(ws.dir);
  return out;
}

const env = () => ({ TUNEBENCH_IMPORT_TMP: work });

describeShared('imports and validations in their own process', () => {
  for (const name of ['invalid_json_line.jsonl', 'message_missing_key.jsonl', 'wrong_role.jsonl', 'crs_malformed.json']) {
    it(`validates ${name}: errors on the manifest's lines`, async () => {
      const m = manifest.find((e) => e.file === name)!;
      expect(m.expected).toBe('reject_lines');
      const job = startDataJob({ mode: 'validate', file: shared('datasets', 'bad', name), options: { tmpDir: ws.tmpDir } });
      const r = await job.done;
      expect(r.file).toBe(name);
      const lines = (severity?: string) => [...new Set(r.findings.filter((f) => f.line !== null && (!severity || f.severity === severity)).map((f) => f.line!))].sort((a, b) => a - b);
      expect(lines()).toEqual(m.fault_lines);
      expect(lines('error').length).toBeGreaterThan(0);
      for (const l of lines('error')) expect(m.fault_lines).toContain(l);
      expect(runningDataJobs().map((j) => j.pid)).not.toContain(job.pid);
    });
  }

  it('scans with worker threads in the child, with the same result as one thread', async () => {
    const file = shared('datasets', 'banking77.chat.jsonl');
    const threads = startDataJob({ mode: 'validate', file, options: { tmpDir: ws.tmpDir, workers: 2 } });
    expect(await threads.started).toEqual({ scanWorkers: true });
    const one = startDataJob({ mode: 'validate', file, options: { tmpDir: ws.tmpDir, workers: 1 } });
    const [a, b] = await Promise.all([threads.done, one.done]);
    expect(a.records).toBe(nonBlankLines(file));
    expect({ ...a, findings: a.findings.length }).toEqual({ ...b, findings: b.findings.length });
    expect(a.findings).toEqual(b.findings);
  });

  it('imports a real dataset: the catalog has it, with a row per line, and progress came over IPC', async () => {
    const file = shared('datasets', 'banking77.chat.jsonl');
    const progress: number[] = [];
    const r = await startDataJob({ mode: 'import', workspace: ws.root, file, options: { name: 'banking' } }, { onProgress: (p) => progress.push(p.bytes), progressEveryMs: 0, env: env() }).done;
    expect(r).toMatchObject({ ok: true, status: 'created', name: 'banking' });
    expect(progress.at(-1)).toBe(fs.statSync(file).size);
    const v = (await readCatalog(ws)).datasets.banking.versions[0];
    expect(v.rows).toBe(nonBlankLines(file));
    const [{ n }] = await queryRows<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet(${sqlString(versionPath(ws, v))})`);
    expect(Number(n)).toBe(nonBlankLines(file));
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it('a file that cannot be read fails with its name', async () => {
    const missing = path.join(dir, 'nope.jsonl');
    const e = await startDataJob({ mode: 'import', workspace: ws.root, file: missing, options: {} }).done.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataJobError);
    expect(e).toMatchObject({ kind: 'failed' });
    expect((e as Error).message).toContain(missing);
  });

  /** Starts importing `big` and sends `signal` to the child at its first progress report. */
  async function importStoppedMidway(signal: NodeJS.Signals): Promise<unknown> {
    let sent = false;
    let bytesThen = 0;
    const job = startDataJob(
      { mode: 'import', workspace: ws.root, file: big, options: { name: 'big' } },
      {
        env: env(),
        progressEveryMs: 0,
        onProgress: (p) => {
          if (sent) return;
          sent = true;
          bytesThen = p.bytes;
          process.kill(job.pid, signal);
        }
      }
    );
    const e = await job.done.catch((x: unknown) => x);
    expect(bytesThen).toBeLessThan(fs.statSync(big).size); // it was stopped while scanning
    return e;
  }

  it('SIGTERM midway: the import stops, nothing stored and no work files left', async () => {
    const before = stored();
    expect(Object.keys(before)).toContain('catalog.json');
    const e = await importStoppedMidway('SIGTERM');
    expect(e).toBeInstanceOf(DataJobError);
    expect(e).toMatchObject({ kind: 'stopped', message: 'the import was stopped (SIGTERM) before it finished' });
    expect(stored()).toEqual(before);
    expect(fs.readdirSync(work)).toEqual([]);
    expect(fs.readdirSync(ws.tmpDir)).toEqual([]);
  });

  it('SIGKILL midway: the catalog and data are as they were; the next import clears the dead one’s work files', async () => {
    const before = stored();
    const e = await importStoppedMidway('SIGKILL');
    expect(e).toMatchObject({ kind: 'stopped' });
    expect((e as Error).message).toMatch(/exited \(SIGKILL\) before it finished/);
    expect(stored()).toEqual(before);
    expect(fs.readdirSync(work).length).toBeGreaterThan(0); // killed outright: its work folder stays
    const r = await startDataJob({ mode: 'import', workspace: ws.root, file: big, options: { name: 'big' } }, { env: env() }).done;
    expect(r).toMatchObject({ ok: true, rows: BIG_ROWS });
    expect(fs.readdirSync(work)).toEqual([]);
    expect(Object.keys((await readCatalog(ws)).datasets).sort()).toEqual(['banking', 'big']);
  });
});
