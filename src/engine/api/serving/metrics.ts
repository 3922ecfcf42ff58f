/**
 * Serving metrics, per request and per model: time to first token, latency, tokens per second
 * of decoding, and requests per second. Each chat request appends one line to
 *
 *   .tunebench/api/serving.jsonl   { ts, model, stream, n, ok, status, ttft_ms, latency_ms,
 *                                    prompt_tokens, completion_tokens, decode_tokens_per_s, load_ms }
 *
 * (whole lines, appended; readers skip a partial last one), and servingStats() aggregates the
 * newest lines per model for the models page.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { apiDir } from '../models/state.ts';

export interface ServingRecord {
  ts: string;
  model: string;
  stream: boolean;
  n: number;
  ok: boolean;
  status: number;
  ttft_ms: number | null;
  latency_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  decode_tokens_per_s: number | null;
  load_ms: number;
}

export interface ModelServingStats {
  model: string;
  requests: number;
  errors: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  /** Median decode speed of the successful requests. */
  tokens_per_s: number | null;
  /** Requests per second over the span of the recorded requests (first to last). */
  requests_per_s: number | null;
  /** Requests in the last minute, per second. */
  requests_per_s_1m: number;
  last_request: string | null;
}

export function servingLogPath(ws: Workspace): string {
  return path.join(apiDir(ws), 'serving.jsonl');
}

export function recordServing(ws: Workspace, r: ServingRecord): void {
  fs.mkdirSync(apiDir(ws), { recursive: true });
  fs.appendFileSync(servingLogPath(ws), JSON.stringify(r) + '\n');
}

export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const TAIL_BYTES = 4 << 20;

/** The newest serving records (at most the last 4 MB of the log). */
export async function readServing(ws: Workspace): Promise<ServingRecord[]> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(servingLogPath(ws), 'r');
  } catch {
    return [];
  }
  try {
    const size = (await fh.stat()).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').slice(len < size ? 1 : 0);
    const out: ServingRecord[] = [];
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        out.push(JSON.parse(l) as ServingRecord);
      } catch {
        // partial line
      }
    }
    return out;
  } finally {
    await fh.close();
  }
}

export function aggregate(model: string, records: ServingRecord[], now = Date.now()): ModelServingStats {
  const ok = records.filter((r) => r.ok);
  const sorted = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const ttft = sorted(ok.map((r) => r.ttft_ms));
  const lat = sorted(ok.map((r) => r.latency_ms));
  const tps = sorted(ok.map((r) => r.decode_tokens_per_s));
  const times = records.map((r) => Date.parse(r.ts)).sort((a, b) => a - b);
  const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    model,
    requests: records.length,
    errors: records.length - ok.length,
    ttft_p50_ms: round(percentile(ttft, 50)),
    ttft_p95_ms: round(percentile(ttft, 95)),
    latency_p50_ms: round(percentile(lat, 50)),
    latency_p99_ms: round(percentile(lat, 99)),
    tokens_per_s: round(percentile(tps, 50)),
    requests_per_s: span > 0 ? round(records.length / span) : null,
    requests_per_s_1m: round(times.filter((t) => now - t <= 60_000).length / 60) ?? 0,
    last_request: records.length ? records[records.length - 1].ts : null
  };
}

/** Per-model statistics over the newest records. */
export async function servingStats(ws: Workspace): Promise<Map<string, ModelServingStats>> {
  const by = new Map<string, ServingRecord[]>();
  for (const r of await readServing(ws)) by.set(r.model, [...(by.get(r.model) ?? []), r]);
  return new Map([...by].map(([m, rs]) => [m, aggregate(m, rs)]));
}
