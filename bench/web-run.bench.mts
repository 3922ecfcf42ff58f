/**
 * Does a run started from the workbench stall the web server? Starts the built server (as the
 * browser tests do: tests/e2e/support/app.ts) on a fresh workspace, starts a small LoRA training
 * run of tinystories-260k (../shared/models) with POST /api/runs as the editor's Run button does,
 * and times GET /api/health every 100 ms while it runs. Each sample is tagged with the stage that
 * was running (read from the run's status.json, not over HTTP).
 *
 * Peer, measured side by side in this run: the same GET on the same server while it is idle,
 * before the run starts. Reported: p50, p95 and max latency idle, during the train stage and
 * during the whole run, and the ratio of each to idle.
 *
 *   node --import tsx bench/web-run.bench.mts [--epochs 2] [--idle-samples 30]
 *
 * On a 2-core machine, during the train stage: in-process runs (before runs had their own
 * process) p50 600–700 ms, max 2.1–3.5 s; a run in its own process p50 3–4 ms, max 14–92 ms
 * (idle p50 ~4 ms).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startApp } from '../tests/e2e/support/app.ts';
import { REPO_ROOT, shared } from '../tests/support/shared.ts';
import { pct, timedGet } from './support/latency.mts';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const EPOCHS = flag('epochs', 2);
const IDLE = flag('idle-samples', 30);
const EVERY_MS = 100;

const PIPELINE = `pipeline web_bench "LoRA on tinystories-260k, started from the web"
dataset tickets from "datasets/support.jsonl" format openai
stage small from tickets { limit 80 }
split small into train 75%, val 10%, test 15% seed 7
train tuned from train validate val {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs ${EPOCHS} batch_size 4 learning_rate 3e-3 max_length 256
  eval_every 5 steps
}
eval [base, tuned] on test {
  metrics bleu, rougeL
  generate max_tokens 8
  bootstrap 200
}
`;



interface Status {
  status: string;
  pid: number | null;
  stages: { id: string; state: string }[];
}

function readStatus(workspace: string, runId: string): Status | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspace, '.tunebench', 'runs', runId, 'status.json'), 'utf8')) as Status;
  } catch {
    return null; // not written yet, or mid-rename
  }
}

/** The command line of a process (Linux /proc), to show which process executed the run. */
function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).map((a) => (a.startsWith(`${REPO_ROOT}${path.sep}`) ? path.relative(REPO_ROOT, a) : a)).join(' ');
  } catch {
    return '';
  }
}

const workspace = fs.mkdtempSync(path.join(REPO_ROOT, 'bench', 'out', 'web-run-'));
fs.mkdirSync(path.join(workspace, 'datasets'));
fs.mkdirSync(path.join(workspace, 'pipelines'));
fs.copyFileSync(path.join(REPO_ROOT, 'datasets', 'support.jsonl'), path.join(workspace, 'datasets', 'support.jsonl'));
fs.writeFileSync(path.join(workspace, 'pipelines', 'web-bench.ftp'), PIPELINE);

const app = await startApp({ workspace, env: { TUNEBENCH_MODELS: shared('models') } });
try {
  for (let i = 0; i < 5; i++) await timedGet(app.url); // warm-up: first requests compile routes
  const idle: number[] = [];
  for (let i = 0; i < IDLE; i++) {
    idle.push(await timedGet(app.url));
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }

  const res = await fetch(`${app.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipeline: 'web-bench' }) });
  if (res.status !== 202) throw new Error(`POST /api/runs: ${res.status} ${await res.text()}`);
  const { runId } = (await res.json()) as { runId: string };
  const byStage = new Map<string, number[]>();
  const all: number[] = [];
  let final: Status | null = null;
  let runProcess = '';
  const t0 = Date.now();
  for (;;) {
    const before = readStatus(workspace, runId);
    if (before && ['succeeded', 'failed', 'cancelled'].includes(before.status)) {
      final = before;
      break;
    }
    if (before?.pid && !runProcess) runProcess = commandOf(before.pid);
    const ms = await timedGet(app.url);
    const running = before?.stages.find((s) => s.state === 'running')?.id ?? '(between stages)';
    all.push(ms);
    byStage.set(running, [...(byStage.get(running) ?? []), ms]);
    await new Promise((r) => setTimeout(r, EVERY_MS));
  }
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(22)} n=${String(xs.length).padStart(4)}  p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms  max ${Math.max(...xs).toFixed(1).padStart(7)} ms  (p95 ×${(pct(xs, 95) / pct(idle, 95)).toFixed(1)} idle)`;
  console.log(`run ${runId}: ${final!.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s, executed by pid ${final!.pid}: ${runProcess || '(gone before it was seen)'}`);
  console.log(`GET /api/health every ${EVERY_MS} ms:`);
  console.log(row('idle (peer)', idle));
  console.log(row('whole run', all));
  for (const [stage, xs] of byStage) console.log(row(`  ${stage}`, xs));
} finally {
  await app.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
}
