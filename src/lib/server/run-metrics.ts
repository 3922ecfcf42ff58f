/**
 * A run's training metrics (metrics.jsonl, the trainer's OpenAI-named lines) for the loss,
 * token-accuracy and learning-rate charts: as an event stream that replays the file and follows
 * it while the run is live, and as one JSON snapshot (the compare page's overlaid curves).
 *
 * The live loop reads what was appended since the last look synchronously (a stat and one read
 * of a small append-only file: microseconds). A run started from the web trains in this server
 * process and yields to the event loop once per optimizer step, so every awaited file operation
 * costs a training step; tailJsonl's awaited open/stat/read/close per look made the curves lag
 * 3–4 s behind. The snapshot and the borrowed curves (finished files) use tailJsonl.
 *
 * Stream: `metrics` events, each a batch of whole lines ({ lines }) with the byte offset after
 * the batch as its id (a reconnect resumes there), then `end` once the run is final and the file
 * is read to its end. A train stage this run took from the stage cache has no lines here: its
 * curves are the ones of the run that trained it, sent once as a batch with `from: RUN_ID`.
 */
import fs from 'node:fs';
import { isStale, runPaths, type RunStatus, type StageStatus } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import type { MetricLine } from '../../engine/train/metrics.ts';
import type { SseEvent } from './sse.ts';
import { tailJsonl } from './tail-jsonl.ts';
import { readStatusSync, requireRun } from './run-files.ts';
import { producerOf } from './run-detail.ts';
import type { MetricsBatch, MetricsSnapshot } from '$lib/runs';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const MAX_BATCH = 1000;

/** Whole lines of a metrics.jsonl from byte `from` (a partial last line waits for its newline). */
export async function readMetricLines(file: string, from = 0, signal?: AbortSignal): Promise<{ lines: MetricLine[]; next: number }> {
  const lines: MetricLine[] = [];
  let next = from;
  for await (const r of tailJsonl<MetricLine>(file, from, signal, { follow: false })) {
    next = r.next;
    if (r.ok && r.value && typeof r.value === 'object' && typeof r.value.step === 'number') lines.push(r.value);
  }
  return { lines, next };
}

/** The lines a cached train stage's producing run wrote for it, relabelled with this run's stage id. */
async function borrowedLines(ws: Workspace, st: StageStatus): Promise<{ stage: string; run: string; lines: MetricLine[] } | null> {
  const from = producerOf(ws, st);
  if (!from) return null;
  let file: string;
  try {
    file = runPaths(ws, from.run).metrics;
  } catch {
    return null;
  }
  const { lines } = await readMetricLines(file);
  return { stage: st.id, run: from.run, lines: lines.filter((l) => l.stage === undefined || l.stage === from.stage).map((l) => ({ ...l, stage: st.id })) };
}

/** Whole lines appended since byte `from`, read synchronously (at most `maxBytes` per call). */
export function readNewLines(file: string, from: number, maxBytes = 4 << 20): { lines: MetricLine[]; next: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], next: from };
    throw e;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < from) throw new Error(`${file} shrank to ${size} bytes while being read at byte ${from}: it is not append-only`);
    const buf = Buffer.alloc(Math.min(size - from, maxBytes));
    const n = buf.length ? fs.readSync(fd, buf, 0, buf.length, from) : 0;
    const end = n ? buf.lastIndexOf(10, n - 1) : -1;
    // A line longer than the window: widen it (a partial line at the end of the file waits).
    if (end < 0) return n === maxBytes && size - from > maxBytes ? readNewLines(file, from, maxBytes * 2) : { lines: [], next: from };
    const lines: MetricLine[] = [];
    for (const text of buf.subarray(0, end).toString('utf8').split('\n')) {
      if (!text.trim()) continue;
      try {
        const v = JSON.parse(text) as MetricLine;
        if (v && typeof v.step === 'number') lines.push(v);
      } catch {
        // a damaged line: skip it, as the trainer's reader does
      }
    }
    return { lines, next: from + end + 1 };
  } finally {
    fs.closeSync(fd);
  }
}

function statusNow(file: string): RunStatus | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunStatus;
  } catch {
    return null;
  }
}

const cachedTrainStages = (stages: StageStatus[]) => stages.filter((s) => s.kind === 'train' && s.cache?.hit);

export async function metricsSnapshot(ws: Workspace, id: string): Promise<MetricsSnapshot> {
  requireRun(ws, id);
  const status = readStatusSync(ws, id);
  const own = await readMetricLines(runPaths(ws, id).metrics);
  const lines = [...own.lines];
  const borrowed: MetricsSnapshot['borrowed'] = [];
  for (const st of cachedTrainStages(status.stages)) {
    const b = await borrowedLines(ws, st);
    if (!b) continue;
    borrowed.push({ stage: b.stage, run: b.run });
    lines.push(...b.lines);
  }
  return { lines, borrowed };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The metrics event stream of a run from byte `from` (see the file comment). */
export async function* metricsStream(ws: Workspace, id: string, from: number, signal: AbortSignal, opts: { pollMs?: number } = {}): AsyncGenerator<SseEvent> {
  const paths = runPaths(ws, id);
  const pollMs = opts.pollMs ?? 250;
  let pos = from;
  // On a reconnect the client has the borrowed batches of stages that were cached back then.
  const sent = new Set<string>(from > 0 ? cachedTrainStages(readStatusSync(ws, id).stages).map((s) => s.id) : []);
  let status = 'queued';
  while (!signal.aborted) {
    // Read the status before the file: once it is final, every line is already in the file.
    const s = statusNow(paths.status);
    const finished = !s || TERMINAL.has(s.status) || isStale(s);
    status = s ? (isStale(s) ? 'failed' : s.status) : 'failed';
    for (const st of cachedTrainStages(s?.stages ?? [])) {
      if (sent.has(st.id)) continue;
      sent.add(st.id);
      const b = await borrowedLines(ws, st);
      if (b?.lines.length) yield { event: 'metrics', data: { lines: b.lines, from: b.run } satisfies MetricsBatch };
    }
    const { lines, next } = readNewLines(paths.metrics, pos);
    pos = next;
    for (let i = 0; i < lines.length; i += MAX_BATCH) {
      // Only the last batch of a read carries the resume offset (earlier ones end mid-read).
      const batch: SseEvent = { event: 'metrics', data: { lines: lines.slice(i, i + MAX_BATCH) } satisfies MetricsBatch };
      yield i + MAX_BATCH >= lines.length ? { ...batch, id: pos } : batch;
    }
    if (finished && !lines.length) break;
    if (!lines.length) await sleep(pollMs, signal);
  }
  if (!signal.aborted) yield { event: 'end', data: { status } };
}
