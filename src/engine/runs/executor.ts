/**
 * Executes a run's Plan: stages in topological order (the Plan's order), each through its kind's
 * registered executor, with the stage cache in front (a hit reuses the stored output and never
 * calls the executor), events in events.jsonl, status.json rewritten at every transition, and
 * cancellation through an AbortSignal (which also fires on a cancel-request file from another
 * process). The first failing stage stops the run; stages after it are marked skipped.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import type { Plan, PlanStage } from '../../../dsl/plan.ts';
import type { Workspace } from '../workspace.ts';
import { commitStage, lookupStage, stagingDir } from './cache.ts';
import { RunCancelled, watchCancelRequest } from './cancel.ts';
import { eventLog, type EventSink } from './events.ts';
import { HIT_REASON, missReason } from './explain.ts';
import { runPaths, runStageDir, wsRelative } from './layout.ts';
import { missingExecutorHelp, stageExecutor, type ResolvedInput, type StageEvents, type StageOutput } from './stage-executor.ts';
import { computeStageKey, inputName } from './stage-keys.ts';
import { errorMessage, stageError } from './stage-error.ts';
import { readStatus, writeStatus } from './store.ts';
import type { CacheRecord, KeyIngredients, RunEvent, RunStatus, StageOutputRecord, StageStatus } from './types.ts';

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Every event as it is logged (the CLI draws progress from these). */
  onEvent?: (e: RunEvent) => void;
  /** An earlier run of the same pipeline, whose stage keys explain why stages re-run. */
  previous?: RunStatus | null;
  /** Minimum time between progress events of one stage. */
  progressIntervalMs?: number;
}

interface Produced {
  key: string;
  outputs: Record<string, StageOutput>;
  summary: Record<string, unknown> | null;
}

function nowIso(): string {
  return new Date().toISOString();
}

function toRecords(ws: Workspace, outputs: Record<string, StageOutput>): Record<string, StageOutputRecord> {
  const out: Record<string, StageOutputRecord> = {};
  for (const [part, o] of Object.entries(outputs)) out[part] = { kind: o.kind, path: wsRelative(ws, o.path), rows: o.rows ?? null, bytes: o.bytes ?? null };
  return out;
}

function stageEvents(sink: EventSink, stageId: string, intervalMs: number): StageEvents {
  let last = 0;
  return {
    info: (message, data) => void sink.emit({ stage: stageId, type: 'log', message, data }),
    warn: (message, data) => void sink.emit({ level: 'warn', stage: stageId, type: 'log', message, data }),
    emit: (type, message, data, level) => void sink.emit({ level, stage: stageId, type, message, data }),
    progress(p) {
      const now = Date.now();
      const final = p.total !== undefined && p.total !== null && p.done >= p.total;
      if (!final && now - last < intervalMs) return;
      last = now;
      const pct = p.total ? ` (${Math.round((100 * p.done) / p.total)}%)` : '';
      sink.emit({ level: 'debug', stage: stageId, type: 'stage_progress', message: `${p.phase ? `${p.phase}: ` : ''}${p.done}${p.total ? `/${p.total}` : ''} ${p.unit}${pct}`, data: { ...p } });
    }
  };
}

export async function executeRun(ws: Workspace, runId: string, run: { plan: Plan; source: string; file: string }, opts: ExecuteOptions = {}): Promise<RunStatus> {
  const paths = runPaths(ws, runId);
  const status = await readStatus(ws, runId);
  const sink = eventLog(paths.events, runId, opts.onEvent);
  const controller = new AbortController();
  const abort = (reason: string) => {
    if (controller.signal.aborted) return;
    status.cancel_reason = reason;
    sink.emit({ level: 'warn', type: 'cancel_requested', message: `cancel requested: ${reason}`, data: { reason } });
    controller.abort(new RunCancelled(reason));
  };
  const onOuterAbort = () => abort(opts.signal?.reason instanceof Error ? opts.signal.reason.message : String(opts.signal?.reason ?? 'interrupted'));
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const stopWatching = watchCancelRequest(paths.cancel, abort);
  const save = () => writeStatus(ws, status);
  const started = Date.now();

  status.status = 'running';
  status.started_at = nowIso();
  status.pid = process.pid;
  status.host = os.hostname();
  await save();
  sink.emit({ type: 'run_started', message: `run ${runId} of pipeline ${run.plan.pipeline} started (${run.plan.stages.length} stages)`, data: { pipeline: run.plan.pipeline, stages: run.plan.stages.map((s) => s.id) } });

  const produced = new Map<string, Produced | null>();
  const keys = new Map<string, string | null>();
  const previous = new Map<string, KeyIngredients | null>((opts.previous?.stages ?? []).map((s) => [s.id, s.cache?.ingredients ?? null]));
  let failed = false;

  try {
    for (const stage of run.plan.stages) {
      const st = status.stages.find((s) => s.id === stage.id)!;
      if (controller.signal.aborted || failed) {
        st.state = 'skipped';
        continue;
      }
      const outcome = await runStage(stage, st);
      if (outcome === 'failed') failed = true;
      await save();
    }
  } finally {
    stopWatching();
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }

  status.status = failed ? 'failed' : controller.signal.aborted ? 'cancelled' : 'succeeded';
  status.finished_at = nowIso();
  status.elapsed_ms = Date.now() - started;
  if (status.status === 'cancelled') status.error = { message: `cancelled: ${status.cancel_reason ?? 'by request'}`, stage: status.stages.find((s) => s.state === 'cancelled')?.id ?? null, rendered: null };
  const hits = status.stages.filter((s) => s.cache?.hit).length;
  // The last event goes out before the final status: a follower that stops once the status is
  // final and the file is read to its end then never misses run_finished.
  sink.emit({
    level: status.status === 'succeeded' ? 'info' : status.status === 'cancelled' ? 'warn' : 'error',
    type: 'run_finished',
    message: `run ${status.status} in ${status.elapsed_ms} ms (${hits} of ${status.stages.length} stages from the cache)`,
    data: { status: status.status, elapsed_ms: status.elapsed_ms, cache_hits: hits }
  });
  await save();
  return status;

  async function runStage(stage: PlanStage, st: StageStatus): Promise<'ok' | 'failed' | 'cancelled'> {
    const t0 = Date.now();
    st.started_at = nowIso();
    st.state = 'running';
    const fail = async (message: string, code: 'R100' | 'R101' = 'R100', help: string[] = []) => {
      st.state = 'failed';
      st.finished_at = nowIso();
      st.elapsed_ms = Date.now() - t0;
      st.error = stageError(stage, message, run.source, run.file, { code, help });
      status.error = { message: `stage ${stage.id} failed: ${message}`, stage: stage.id, rendered: st.error.rendered };
      produced.set(stage.id, null);
      keys.set(stage.id, null);
      sink.emit({ level: 'error', stage: stage.id, type: 'stage_failed', message: `${stage.id} failed: ${message}`, data: { kind: stage.kind, error: st.error } });
      return 'failed' as const;
    };

    const exec = stageExecutor(stage.kind);
    if (!exec) return fail(`no executor is registered for '${stage.kind}' stages`, 'R101', missingExecutorHelp(stage.kind));

    // Inputs: what the producing stages wrote.
    const inputs: ResolvedInput[] = [];
    for (const i of stage.inputs) {
      const p = produced.get(i.stage);
      const part = i.part ?? 'main';
      const output = p?.outputs[part];
      if (!p || !output) return fail(`its input ${inputName(run.plan, i)} (${i.stage}${i.part ? `:${i.part}` : ''}) has no output`);
      inputs.push({ role: i.role, stage: i.stage, part: i.part, name: inputName(run.plan, i), key: p.key, output, outputs: p.outputs, summary: p.summary });
    }

    // The cache decision.
    let keyInfo;
    try {
      keyInfo = await computeStageKey(ws, run.plan, stage, keys);
    } catch (e) {
      return fail(errorMessage(e));
    }
    const cache: CacheRecord = { key: keyInfo.key, hit: false, reason: keyInfo.reason ?? missReason(previous.get(stage.id) ?? null, keyInfo.ingredients), ingredients: keyInfo.ingredients };
    st.cache = cache;
    if (keyInfo.key) {
      const found = await lookupStage(ws, keyInfo.key);
      if (found.status === 'hit') {
        cache.hit = true;
        cache.reason = HIT_REASON;
        st.state = 'succeeded';
        st.finished_at = nowIso();
        st.elapsed_ms = Date.now() - t0;
        st.rows_in = found.meta.rows_in;
        st.rows_out = found.meta.rows_out;
        st.summary = found.meta.summary;
        st.outputs = toRecords(ws, found.outputs);
        produced.set(stage.id, { key: keyInfo.key, outputs: found.outputs, summary: found.meta.summary });
        keys.set(stage.id, keyInfo.key);
        sink.emit({ stage: stage.id, type: 'stage_cached', message: `${stage.id} (${stage.kind}): cache hit, ${HIT_REASON} (${found.meta.rows_out ?? '?'} rows)`, data: { kind: stage.kind, key: keyInfo.key, rows_in: st.rows_in, rows_out: st.rows_out, elapsed_ms: st.elapsed_ms, produced_by: found.meta.produced_by } });
        return 'ok';
      }
      if (found.status === 'corrupt') {
        cache.reason = `cached output unreadable (${found.reason}); recomputing`;
        sink.emit({ level: 'warn', stage: stage.id, type: 'cache_warning', message: `${stage.id}: the cache entry ${keyInfo.key.slice(0, 12)} is damaged (${found.reason}); treating it as a miss`, data: { key: keyInfo.key, reason: found.reason } });
      }
    }
    await save();
    sink.emit({ stage: stage.id, type: 'stage_started', message: `${stage.id} (${stage.kind}): running — ${cache.reason}`, data: { kind: stage.kind, key: cache.key, reason: cache.reason } });

    const stageDir = runStageDir(paths, stage.id);
    const outDir = keyInfo.key ? await stagingDir(ws, keyInfo.key) : stageDir;
    await fsp.mkdir(stageDir, { recursive: true });
    await fsp.mkdir(outDir, { recursive: true });
    try {
      controller.signal.throwIfAborted();
      const result = await exec.run({
        ws,
        plan: run.plan,
        stage: stage as never,
        inputs,
        run: { id: runId, dir: paths.dir, source: run.source, file: run.file },
        outDir,
        runStageDir: stageDir,
        events: stageEvents(sink, stage.id, opts.progressIntervalMs ?? 250),
        signal: controller.signal,
        cache
      });
      controller.signal.throwIfAborted();
      const elapsed = Date.now() - t0;
      const outputs = keyInfo.key
        ? await commitStage(ws, keyInfo.key, outDir, { outputs: result.outputs, rowsIn: result.rowsIn ?? null, rowsOut: result.rowsOut ?? null, summary: result.summary, elapsedMs: elapsed }, { kind: stage.kind, ingredients: keyInfo.ingredients, runId, stage: stage.id })
        : result.outputs;
      st.state = 'succeeded';
      st.finished_at = nowIso();
      st.elapsed_ms = Date.now() - t0;
      st.rows_in = result.rowsIn ?? null;
      st.rows_out = result.rowsOut ?? null;
      st.summary = result.summary;
      st.outputs = toRecords(ws, outputs);
      produced.set(stage.id, { key: keyInfo.key ?? `run:${runId}/${stage.id}`, outputs, summary: result.summary });
      keys.set(stage.id, keyInfo.key);
      const rate = st.rows_in && st.elapsed_ms ? Math.round((st.rows_in * 1000) / st.elapsed_ms) : null;
      sink.emit({
        stage: stage.id,
        type: 'stage_finished',
        message: `${stage.id} (${stage.kind}): ${st.rows_in ?? '?'} → ${st.rows_out ?? '?'} rows in ${st.elapsed_ms} ms${rate ? ` (${rate} rows/s)` : ''}`,
        data: { kind: stage.kind, rows_in: st.rows_in, rows_out: st.rows_out, elapsed_ms: st.elapsed_ms, rows_per_s: rate, key: keyInfo.key, reason: cache.reason, summary: result.summary }
      });
      return 'ok';
    } catch (e) {
      if (keyInfo.key) await fsp.rm(outDir, { recursive: true, force: true });
      if (controller.signal.aborted) {
        st.state = 'cancelled';
        st.finished_at = nowIso();
        st.elapsed_ms = Date.now() - t0;
        produced.set(stage.id, null);
        sink.emit({ level: 'warn', stage: stage.id, type: 'stage_cancelled', message: `${stage.id} cancelled after ${st.elapsed_ms} ms`, data: { kind: stage.kind, elapsed_ms: st.elapsed_ms } });
        return 'cancelled';
      }
      return fail(errorMessage(e));
    }
  }
}
