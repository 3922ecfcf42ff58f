/**
 * Training metrics, one JSON object per line of the run's metrics.jsonl, with OpenAI's names for
 * what OpenAI reports (fine-tuning job metrics events and result files):
 *
 *   step, train_loss, train_mean_token_accuracy,              every optimizer step
 *   valid_loss, valid_mean_token_accuracy,                    every eval_every steps (a sample)
 *   full_valid_loss, full_valid_mean_token_accuracy           at each epoch end (all of it)
 *
 * plus ours: stage, total_steps, epoch (fractional, as Hugging Face Trainer logs it), lr,
 * grad_norm, tokens (real tokens this step), tokens_per_second (training time only), elapsed_ms,
 * eta_ms, ts. Fields that a line does not measure are absent, never null, so
 * `read_json('.tunebench/runs/*\/metrics.jsonl')` infers clean column types.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface MetricLine {
  stage?: string;
  step: number;
  total_steps: number;
  epoch: number;
  train_loss?: number;
  train_mean_token_accuracy?: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
  lr?: number;
  grad_norm?: number;
  tokens?: number;
  tokens_per_second?: number;
  elapsed_ms: number;
  eta_ms?: number;
  ts: string;
}

export interface MetricsSink {
  write(line: MetricLine): void;
}

/** Appends lines to a metrics.jsonl (one write per line, as events.jsonl). */
export function metricsFile(file: string): MetricsSink {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return { write: (line) => fs.appendFileSync(file, JSON.stringify(round(line)) + '\n') };
}

/** Keeps 6 significant digits: enough for curves, and lines stay short. */
function round(line: MetricLine): MetricLine {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(line)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
  }
  return out as unknown as MetricLine;
}

/** Reads a metrics.jsonl (skipping a partial last line), optionally one stage's lines only. */
export function readMetrics(file: string, stage?: string): MetricLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: MetricLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line) as MetricLine;
      if (stage === undefined || m.stage === stage) out.push(m);
    } catch {
      // a line still being written
    }
  }
  return out;
}
