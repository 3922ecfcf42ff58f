/**
 * GET /v1/fine_tuning/jobs/{id}/events: fine_tuning.job.event objects, newest first, from three
 * logs: the job's own events (created, paused, resumed, …), the events.jsonl of each of its runs
 * (debug-level progress left out), and each run's metrics.jsonl as `metrics` events with OpenAI's
 * metric names in `data` ("Step 12/40: training loss=1.23"). Ids name the log and the byte offset
 * of the line, so they are stable across calls and usable as `after` cursors.
 */
import fs from 'node:fs';
import type { Workspace } from '../../workspace.ts';
import { readEvents, runPaths } from '../../runs/index.ts';
import { unixSeconds } from '../ids.ts';
import { paginate, type ListPage, type PageQuery } from '../pagination.ts';
import { jobEventsPath, readJob, type JobEventLine } from './store.ts';

export interface FineTuningJobEvent {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown> | null;
}

interface Sortable {
  ts: string;
  order: number;
  event: FineTuningJobEvent;
}

const METRIC_KEYS = ['step', 'total_steps', 'train_loss', 'train_mean_token_accuracy', 'valid_loss', 'valid_mean_token_accuracy', 'full_valid_loss', 'full_valid_mean_token_accuracy'] as const;

function level(l: string): FineTuningJobEvent['level'] {
  return l === 'error' ? 'error' : l === 'warn' ? 'warn' : 'info';
}

/** Every line of a JSONL file with its byte offset (a partial last line is left out). */
function readLines(file: string): { offset: number; value: Record<string, unknown> }[] {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return [];
  }
  const out: { offset: number; value: Record<string, unknown> }[] = [];
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
    const text = buf.subarray(start, nl).toString('utf8').trim();
    const offset = start;
    start = nl + 1;
    if (!text) continue;
    try {
      out.push({ offset, value: JSON.parse(text) as Record<string, unknown> });
    } catch {
      // damaged line
    }
  }
  return out;
}

function metricsMessage(m: Record<string, unknown>): string {
  const f = (k: string) => (typeof m[k] === 'number' ? (m[k] as number).toFixed(4) : null);
  const parts = [f('train_loss') && `training loss=${f('train_loss')}`, f('valid_loss') && `validation loss=${f('valid_loss')}`, f('full_valid_loss') && `full validation loss=${f('full_valid_loss')}`].filter(Boolean);
  return `Step ${m.step}/${m.total_steps}: ${parts.join(', ')}`;
}

export async function jobEvents(ws: Workspace, jobId: string, q: PageQuery): Promise<ListPage<FineTuningJobEvent>> {
  const job = await readJob(ws, jobId);
  const all: Sortable[] = [];
  let order = 0;
  const push = (ts: string, event: Omit<FineTuningJobEvent, 'object' | 'created_at'>) => all.push({ ts, order: order++, event: { object: 'fine_tuning.job.event', created_at: unixSeconds(ts), ...event } });

  for (const { offset, value } of readLines(jobEventsPath(ws, jobId))) {
    const e = value as unknown as JobEventLine;
    push(e.ts, { id: `ftevent-${job.tag}-j${offset}`, level: level(e.level), message: e.message, type: 'message', data: e.data ?? null });
  }
  for (const runId of job.runs) {
    const p = runPaths(ws, runId);
    for (const { event, offset } of (await readEvents(p.events)).events) {
      if (event.level === 'debug') continue;
      push(event.ts, { id: `ftevent-${runId}-e${offset}`, level: level(event.level), message: event.message, type: 'message', data: { run_id: runId, stage: event.stage, type: event.type } });
    }
    for (const { offset, value } of readLines(p.metrics)) {
      const data: Record<string, unknown> = {};
      for (const k of METRIC_KEYS) if (value[k] !== undefined) data[k] = value[k];
      push(String(value.ts), { id: `ftevent-${runId}-m${offset}`, level: 'info', message: metricsMessage(value), type: 'metrics', data });
    }
  }
  all.sort((a, b) => b.ts.localeCompare(a.ts) || b.order - a.order);
  return paginate(
    all.map((x) => x.event),
    q
  );
}
