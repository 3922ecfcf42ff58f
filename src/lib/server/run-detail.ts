/**
 * Everything the run page shows besides its live streams: the run record (manifest, status,
 * source), each eval stage's results with their metric cards (eval.json, found through the
 * stage's outputs so a cache hit reads the cached file), each train stage's checkpoints (its
 * outputs once finished, the run's working folder while it trains), the exports made so far,
 * and whether the pipeline file still holds the text that ran.
 */
import fs from 'node:fs';
import path from 'node:path';
import { entryDir, runPaths, wsAbsolute, type StageStatus } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import type { EvalFile } from '../../engine/eval/stage/eval-file.ts';
import type { CheckpointMeta } from '../../engine/train/checkpoint.ts';
import { readRunSync, type RunFilesRecord } from './run-files.ts';
import { listExports } from './run-exports.ts';
import type { CheckpointView, EvalView, RunDetail, SourceFileState, TrainView } from '$lib/runs';

/** Small JSON files (eval.json, checkpoint.json, meta.json) read synchronously: see run-files.ts. */
function readJsonFile<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function evalView(st: StageStatus, e: EvalFile | null): EvalView {
  if (!e) return { stage: st.id, state: st.state, complete: false, stopped_by: null, examples: 0, bootstrap: { samples: 0, confidence: 0.95 }, metrics: [], models: [], score_columns: [] };
  const metrics: EvalView['metrics'] = e.metrics.map((m) => ({ key: m.key, card: m.card, example_card: m.example_card, column: m.column, requested: m.requested }));
  for (const s of e.styles) {
    metrics.push({ key: s.key, card: s.card, example_card: null, column: s.column, requested: true });
    metrics.push({ key: s.consistency_key, card: s.consistency_card, example_card: null, column: s.ok_column, requested: true });
  }
  const base = new Set(['model', 'model_index', 'example_index', 'conversation_id', 'prompt', 'reference', 'output', 'finish_reason', 'prompt_tokens', 'output_tokens', 'prompt_truncated', 'target_tokens', 'token_loss_sum', 'token_correct', 'metadata']);
  return {
    stage: st.id,
    state: st.state,
    complete: e.complete,
    stopped_by: e.stopped_by,
    examples: e.data.evaluated,
    bootstrap: { samples: e.bootstrap.samples, confidence: e.bootstrap.confidence },
    metrics,
    models: e.models.map((m) => ({
      label: m.label,
      description: m.description,
      kind: m.kind,
      scores: Object.fromEntries(Object.entries(m.scores).map(([k, s]) => [k, { value: s.value, ci: s.ci ? { lower: s.ci.lower, upper: s.ci.upper, confidence: s.ci.confidence } : null, examples: s.examples }]))
    })),
    score_columns: e.predictions.columns.map((c) => c.name).filter((n) => !base.has(n))
  };
}

function evalViews(ws: Workspace, rec: RunFilesRecord): EvalView[] {
  const out: EvalView[] = [];
  for (const st of rec.status.stages) {
    if (st.kind !== 'eval') continue;
    const main = st.outputs.main;
    out.push(evalView(st, main ? readJsonFile<EvalFile>(wsAbsolute(ws, main.path)) : null));
  }
  return out;
}

function checkpointView(name: string, meta: CheckpointMeta | null, outputs: string[]): CheckpointView {
  return {
    name,
    outputs,
    step: meta?.step ?? null,
    epoch: meta?.epoch ?? null,
    valid_loss: meta?.valid?.loss ?? null,
    train_loss: meta?.train_loss ?? null,
    created_at: meta?.created_at ?? null,
    best: outputs.includes('best'),
    final: outputs.includes('main')
  };
}

/** A finished stage's outputs grouped by folder (main, best and last usually alias an epoch-N). */
function finishedCheckpoints(ws: Workspace, st: StageStatus): CheckpointView[] {
  const byPath = new Map<string, string[]>();
  for (const [name, o] of Object.entries(st.outputs)) if (o.kind === 'model' || o.kind === 'dir') byPath.set(o.path, [...(byPath.get(o.path) ?? []), name]);
  const out: CheckpointView[] = [];
  for (const [p, names] of byPath) {
    const meta = readJsonFile<CheckpointMeta>(path.join(wsAbsolute(ws, p), 'checkpoint.json'));
    out.push(checkpointView(meta?.name ?? names.find((n) => n !== 'main' && n !== 'best' && n !== 'last') ?? names[0], meta, names.sort()));
  }
  return out.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
}

/** While a stage trains: the checkpoints in the run's working folder. */
function workingCheckpoints(dir: string): CheckpointView[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: CheckpointView[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const meta = readJsonFile<CheckpointMeta>(path.join(dir, n, 'checkpoint.json'));
    if (meta) out.push(checkpointView(meta.name, meta, []));
  }
  return out.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
}

/** The run that produced a cache entry (its meta.json), for a stage this run took from the cache. */
export function producerOf(ws: Workspace, st: StageStatus): { run: string; stage: string } | null {
  if (!st.cache?.hit || !st.cache.key) return null;
  const meta = readJsonFile<{ produced_by?: { run_id: string; stage: string } }>(path.join(entryDir(ws, st.cache.key), 'meta.json'));
  return meta?.produced_by ? { run: meta.produced_by.run_id, stage: meta.produced_by.stage } : null;
}

function trainViews(ws: Workspace, rec: RunFilesRecord): TrainView[] {
  const out: TrainView[] = [];
  for (const st of rec.status.stages) {
    if (st.kind !== 'train') continue;
    const summary = (st.summary ?? {}) as { method?: string; base?: { name?: string } };
    const finished = Object.keys(st.outputs).length > 0;
    out.push({
      stage: st.id,
      state: st.state,
      method: summary.method ?? null,
      base: summary.base?.name ?? null,
      cached_from: producerOf(ws, st)?.run ?? null,
      checkpoints: finished ? finishedCheckpoints(ws, st) : workingCheckpoints(path.join(runPaths(ws, rec.id).checkpointsDir, st.id))
    });
  }
  return out;
}

/** Whether pipelines/NAME.ftp still holds the text this run ran. */
export function sourceFileState(ws: Workspace, file: string, source: string): SourceFileState {
  const abs = path.resolve(ws.root, file);
  const rel = path.relative(ws.pipelinesDir, abs);
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.ftp$/.exec(rel);
  if (!m) return { name: null, state: 'outside' };
  if (!fs.existsSync(abs)) return { name: m[1], state: 'missing' };
  let now: string | null = null;
  try {
    now = fs.readFileSync(abs, 'utf8');
  } catch {
    // unreadable: counts as changed
  }
  return { name: m[1], state: now === source ? 'same' : 'changed' };
}

export async function runDetail(ws: Workspace, id: string): Promise<RunDetail> {
  const rec = readRunSync(ws, id);
  const evals = evalViews(ws, rec);
  const train = trainViews(ws, rec);
  const exports = listExports(ws, id);
  const sourceFile = sourceFileState(ws, rec.manifest.file, rec.source);
  return { id, manifest: rec.manifest, status: rec.status, stale: rec.stale, source: rec.source, sourceFile, train, evals, exports };
}
