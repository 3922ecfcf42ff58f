/**
 * The streaming bound: a 200,000-row file made with make_scale.mjs is imported by the CLI in a
 * child process whose peak RSS (VmHWM, read by the child itself as it exits) must stay under
 * 1.5 GB. The 1M-row timing is a benchmark (bench/import.bench.mts), not a test. The same file
 * then shows that stopping an import during its Parquet conversion interrupts DuckDB at once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importDataset } from '../../src/engine/data/import.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { tempDir } from './helpers.ts';

const LIMIT_BYTES = 1.5 * 1024 ** 3;

// Preloaded into the child: print the peak resident set size to stderr when the process exits.
const reportPeak = `data:text/javascript,${encodeURIComponent(
  "import fs from 'node:fs'; process.on('exit', () => { const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8')); fs.writeSync(2, `PEAK_RSS_KB=${m ? m[1] : -1}\\n`); });"
)}`;

describeShared('streaming import memory bound', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir('tb-mem-');
    file = path.join(dir, 'b77-200k.chat.jsonl');
    execFileSync(process.execPath, [shared('datasets', 'make_scale.mjs'), '--in', shared('datasets', 'banking77.chat.jsonl'), '--out', file, '--rows', '200000'], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.runIf(fs.existsSync('/proc/self/status'))(
    'imports 200k rows through the CLI with peak RSS under 1.5 GB',
    () => {
      {
        expect(fs.statSync(file).size).toBeGreaterThan(100 * 1024 ** 2);
        const r = spawnSync(process.execPath, ['--import', reportPeak, path.join(REPO_ROOT, 'bin', 'tunebench.js'), '--workspace', path.join(dir, 'ws'), 'import', file, '--name', 'big'], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^big v1: 200000 rows imported/);
        expect(r.stderr).toMatch(/duplicate_example ×20,000/);
        // Worker threads inherit --import and report the same process-wide figure earlier: take the largest.
        const peaks = [...r.stderr.matchAll(/PEAK_RSS_KB=(\d+)/g)].map((m) => Number(m[1]));
        expect(peaks.length, 'the child reports its peak RSS').toBeGreaterThan(0);
        const bytes = Math.max(...peaks) * 1024;
        console.log(`[memory] 200k-row import: peak RSS ${(bytes / 1024 ** 2).toFixed(0)} MB`);
        expect(bytes).toBeGreaterThan(0);
        expect(bytes).toBeLessThan(LIMIT_BYTES);
      }
    },
    180_000
  );

  it('stopping an import during its Parquet conversion interrupts DuckDB and leaves nothing', async () => {
    // A whole import first, for how long this machine takes to convert the file.
    const full = await importDataset(await openWorkspace(path.join(dir, 'ws-full'), { create: true }), file, { name: 'full' });
    expect(full.ok).toBe(true);
    const convertMs = full.phases.convert;
    expect(convertMs).toBeGreaterThan(0);

    const ws = await openWorkspace(path.join(dir, 'ws-stop'), { create: true });
    const stop = new AbortController();
    let abortedAt = 0;
    // Conversion has started once a temporary Parquet file (or a group's piece) is in data/.
    const watcher = setInterval(() => {
      if (abortedAt) return;
      if (fs.readdirSync(ws.dataDir).some((n) => n.endsWith('.tmp') || /\.tmp\.part\d+$/.test(n))) {
        abortedAt = performance.now();
        stop.abort(new Error('stopped by the test'));
      }
    }, 5);
    const outcome = await importDataset(ws, file, { name: 'stopped', signal: stop.signal }).then(
      () => 'finished',
      (e: Error) => e.message
    );
    clearInterval(watcher);
    const latency = performance.now() - abortedAt;
    expect(abortedAt, 'the conversion was seen starting').toBeGreaterThan(0);
    expect(outcome).toBe('stopped by the test');
    console.log(`[abort] stopped ${latency.toFixed(0)} ms after the request; a whole conversion takes ${convertMs} ms`);
    expect(latency).toBeLessThan(convertMs / 2);
    expect(fs.readdirSync(ws.dataDir)).toEqual([]);
    expect(fs.existsSync(ws.catalogPath) ? Object.keys(JSON.parse(fs.readFileSync(ws.catalogPath, 'utf8')).datasets) : []).toEqual([]);
  }, 120_000);
});
