/**
 * Does a big dataset upload stall the web server, and is the web import as fast as the CLI's?
 * Starts the built server (as the browser tests do: tests/e2e/support/app.ts) on a fresh
 * workspace, uploads a file made with make_scale.mjs (banking77, 200,000 conversations by
 * default, ~110 MB) with POST /api/uploads as the page does (raw body, then the job runs), and
 * times GET /api/health every 100 ms from before the upload until the job's record says done
 * (read from job.json on disk, not over HTTP). Each sample is tagged with the phase: receiving
 * the body, or importing.
 *
 * Peers, measured side by side in this run: the same GET on the same server while it is idle
 * (before the upload), and `tunebench import` of the same file from the CLI (its own process, on
 * a fresh workspace) for the import's wall time.
 *
 *   node --import tsx bench/web-import.bench.mts [--rows 200000] [--idle-samples 30] [--runs 2]
 *
 * On a 2-core machine (other jobs running), GET /api/health while importing, and the job's wall
 * time (job.json created → finished) against the CLI's:
 *
 *                         in the server process (before)         in its own process (now)
 *   200,000 rows, 112 MB  p50 14-28 ms, p95 100-205 ms, max 205   p50 4 ms, p95 7 ms, max 10 ms
 *                         job 2.8-3.0 s = CLI x1.07-1.35          job 2.3-2.7 s = CLI x0.98-1.12
 *   1,000,000 rows, 552 MB p50 18 ms, p95 86 ms, max 98 ms        p50 3 ms, p95 9 ms, max 11 ms
 *                         job 12.2 s = CLI x1.34                  job 10.3 s = CLI x1.14
 *
 * (idle p50 ~4 ms, p95 ~6 ms). In the server's bundle the scan ran on one thread (its worker
 * script is not in build/); the child loads the engine from source and scans with worker threads
 * as the CLI does. Receiving the body (before the job starts, the same code before and after)
 * shows one stall of ~0.1-0.9 s.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../tests/e2e/support/app.ts';
import { REPO_ROOT, shared } from '../tests/support/shared.ts';
import { pct, timedGet } from './support/latency.mts';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(String(process.argv[i + 1]).replaceAll('_', '')) : def;
}
const ROWS = flag('rows', 200_000);
const IDLE = flag('idle-samples', 30);
const RUNS = flag('runs', 2);
const EVERY_MS = 100;
const OUT = path.join(REPO_ROOT, 'bench', 'out');


function ensureInput(): string {
  // The same name and make_scale arguments as bench/import.bench.mts: one cached input for both.
  const file = path.join(OUT, `banking77-${ROWS}.chat.jsonl`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(OUT, { recursive: true });
  console.log(`making ${ROWS.toLocaleString('en-US')} conversations with make_scale.mjs (cached in ${path.relative(REPO_ROOT, file)})…`);
  const r = spawnSync(process.execPath, [shared('datasets', 'make_scale.mjs'), '--in', shared('datasets', 'banking77.chat.jsonl'), '--out', `${file}.tmp`, '--rows', String(ROWS)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('make_scale.mjs failed');
  fs.renameSync(`${file}.tmp`, file);
  return file;
}


interface Job {
  state: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
  outcome: { ok: boolean; rows: number; message: string; elapsedMs: number } | null;
}

function readJob(workspace: string, id: string): Job | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspace, '.tunebench', 'uploads', id, 'job.json'), 'utf8')) as Job;
  } catch {
    return null;
  }
}

const row = (name: string, xs: number[], idle: number[]) =>
  `${name.padEnd(18)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms  max ${Math.max(...xs).toFixed(1).padStart(7)} ms  (p95 ×${(pct(xs, 95) / pct(idle, 95)).toFixed(1)} idle)`;

/** One web upload: latency samples by phase and the job's wall time (server clock). */
async function webImport(file: string): Promise<{ idle: number[]; phases: Map<string, number[]>; jobSeconds: number; importSeconds: number; receiveSeconds: number; rows: number }> {
  const workspace = fs.mkdtempSync(path.join(OUT, 'web-import-ws-'));
  const app = await startApp({ workspace, env: { TUNEBENCH_UPLOAD_LIMIT: '2G' } });
  try {
    for (let i = 0; i < 5; i++) await timedGet(app.url); // warm-up: first requests compile routes
    const idle: number[] = [];
    for (let i = 0; i < IDLE; i++) {
      idle.push(await timedGet(app.url));
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    let phase = 'receiving';
    const phases = new Map<string, number[]>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const at = phase;
        const ms = await timedGet(app.url).catch((e: Error) => {
          throw new Error(`GET /api/health failed while ${at}: ${e.message} (${(e.cause as Error)?.message})\n${app.logs()}`);
        });
        phases.set(at, [...(phases.get(at) ?? []), ms]);
        await new Promise((r) => setTimeout(r, EVERY_MS));
      }
    })();
    const t0 = performance.now();
    // With its length and content type, as the page sends it (upload-flow.svelte.ts): a POST
    // without a content type reaches the route with an empty body.
    const body = fs.readFileSync(file);
    const res = await fetch(`${app.url}/api/uploads?filename=${encodeURIComponent(path.basename(file))}&name=big&mode=import`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    if (res.status !== 202) throw new Error(`POST /api/uploads: ${res.status} ${await res.text()}`);
    const receiveSeconds = (performance.now() - t0) / 1000;
    const { id } = (await res.json()) as { id: string };
    phase = 'importing';
    let job: Job | null;
    for (;;) {
      job = readJob(workspace, id);
      if (job && job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    sampling = false;
    await sampler;
    if (job.state !== 'done' || !job.outcome?.ok) throw new Error(`the upload job ended ${job.state}: ${job.error ?? job.outcome?.message}\n${app.logs()}`);
    const jobSeconds = (Date.parse(job.finished_at!) - Date.parse(job.created_at)) / 1000;
    return { idle, phases, jobSeconds, importSeconds: job.outcome.elapsedMs / 1000, receiveSeconds, rows: job.outcome.rows };
  } finally {
    await app.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

function cliImport(file: string): { seconds: number; rows: number } {
  const workspace = fs.mkdtempSync(path.join(OUT, 'web-import-cli-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'tunebench.js'), '--workspace', workspace, 'import', file, '--name', 'big', '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`tunebench import failed (${r.status}):\n${r.stderr}`);
    return { seconds, rows: (JSON.parse(r.stdout) as { rows: number }).rows };
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

const file = ensureInput();
console.log(`input: ${path.relative(REPO_ROOT, file)}, ${ROWS.toLocaleString('en-US')} conversations, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${RUNS} runs, interleaved`);
for (let run = 1; run <= RUNS; run++) {
  const web = await webImport(file);
  const cli = cliImport(file);
  if (cli.rows !== web.rows) throw new Error(`row counts differ: web ${web.rows}, CLI ${cli.rows}`);
  console.log(`\nrun ${run}: ${web.rows.toLocaleString('en-US')} rows`);
  console.log(`  web upload: body received in ${web.receiveSeconds.toFixed(1)} s; job ${web.jobSeconds.toFixed(1)} s (import ${web.importSeconds.toFixed(1)} s of it)`);
  console.log(`  CLI (peer): tunebench import ${cli.seconds.toFixed(1)} s wall, start-up included  →  web job / CLI ×${(web.jobSeconds / cli.seconds).toFixed(2)}`);
  console.log(`  GET /api/health every ${EVERY_MS} ms:`);
  console.log(`  ${row('idle (peer)', web.idle, web.idle)}`);
  for (const [phase, xs] of web.phases) console.log(`  ${row(phase, xs, web.idle)}`);
}
