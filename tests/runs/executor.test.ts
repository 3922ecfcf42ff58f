/**
 * The executor and the run store: the files of a run, rerun from the saved source, refusing a
 * pipeline with check errors, a failing stage located in the source, a train stage nobody can run,
 * cancellation (in process and through the cancel-request file), stale runs, and following events.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cancelRun, listRuns, PipelineCheckError, readEvents, readRun, registerStageExecutor, rerun, runPaths, startRun, stageExecutor, subscribeEvents, unregisterStageExecutor } from '../../src/engine/runs/index.ts';
import { writeStatus } from '../../src/engine/runs/store.ts';
import { run, SAMPLE, stage, tempWorkspace } from './helpers.ts';

const PIPELINE = `pipeline exec_test

dataset tickets from "datasets/support.jsonl" format openai

stage clean from tickets {
  filter turns >= 1
  dedupe exact on user_text
}

split clean into train 80%, test 20% seed 5
`;

describe('the run store and executor', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    // a model folder so that a train stage passes the check (its config is all the checker reads)
    ws = await tempWorkspace({ 'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') }, '.tunebench/models/tiny/config.json': '{"model_type": "llama"}' });
  });
  afterAll(() => ws.cleanup());

  it('records a run: exact source, plan, manifest, status with per-stage outputs, and events', async () => {
    const { runId, status } = await run(ws, PIPELINE, 'pipelines/exec.ftp');
    expect(status.status).toBe('succeeded');
    const p = runPaths(ws, runId);
    expect(fs.readFileSync(p.source, 'utf8')).toBe(PIPELINE);
    const record = await readRun(ws, runId);
    expect(record.manifest).toMatchObject({ pipeline: 'exec_test', file: 'pipelines/exec.ftp', file_name: 'exec.ftp', rerun_of: null, origin: 'test' });
    expect(record.manifest.environment.node).toBe(process.version);
    expect(record.manifest.environment.duckdb).toMatch(/^v\d/);
    expect(record.plan.stages.map((s) => s.id)).toEqual(['tickets', 'clean.1', 'clean.2', 'train+test']);
    const split = stage(record.status, 'train+test');
    expect(Object.keys(split.outputs).sort()).toEqual(['near_groups', 'test', 'train']);
    expect(split.outputs.train.rows! + split.outputs.test.rows!).toBe(stage(record.status, 'clean.2').rows_out);
    expect(fs.existsSync(path.join(ws.root, split.outputs.train.path))).toBe(true);
    const types = (await readEvents(p.events)).events.map((e) => e.event.type);
    expect(types[0]).toBe('run_created');
    expect(types[types.length - 1]).toBe('run_finished');
    expect(types.filter((t) => t === 'stage_finished')).toHaveLength(4);
    // nothing half-written is left behind
    expect(fs.readdirSync(p.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(fs.readdirSync(ws.stagesDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('reruns the saved source text, not the file on disk, and every stage is a cache hit', async () => {
    const { runId } = await run(ws, PIPELINE, 'pipelines/exec.ftp');
    const again = await rerun(ws, runId, { origin: 'test' });
    const status = await again.done;
    expect(status.status).toBe('succeeded');
    expect(status.stages.every((s) => s.cache?.hit)).toBe(true);
    const record = await readRun(ws, again.runId);
    expect(record.source).toBe(PIPELINE);
    expect(record.manifest.rerun_of).toBe(runId);
    expect((await listRuns(ws)).runs[0]).toMatchObject({ run_id: again.runId, rerun_of: runId, cache_hits: 4, status: 'succeeded' });
  });

  it('refuses a pipeline with check errors, rendering them, and creates no run', async () => {
    const before = fs.readdirSync(ws.runsDir).length;
    const bad = PIPELINE.replace('filter turns >= 1', 'filter turn >= 1');
    const err = await startRun(ws, { source: bad, file: 'pipelines/bad.ftp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineCheckError);
    expect((err as PipelineCheckError).rendered).toContain("pipelines/bad.ftp:6:10 error[E021]: unknown column 'turn' in tickets");
    expect((err as PipelineCheckError).rendered).toContain("help: did you mean 'turns'?");
    expect(fs.readdirSync(ws.runsDir).length).toBe(before);
  });

  it('fails at the stage that fails, naming it and its place in the source, and skips the rest', async () => {
    const failing = PIPELINE.replace('dedupe exact on user_text', 'filter sql "CAST(user_text AS INTEGER) > 0"');
    const { status } = await run(ws, failing, 'pipelines/failing.ftp');
    expect(status.status).toBe('failed');
    const s = stage(status, 'clean.2');
    expect(s.state).toBe('failed');
    expect(s.error).toMatchObject({ stage: 'clean.2', line: 7, column: 3 });
    expect(s.error!.message).toMatch(/Conversion Error/);
    const lines = s.error!.rendered.split('\n');
    expect(lines[0]).toMatch(/^pipelines\/failing\.ftp:7:3 error\[R100\]: stage clean\.2 \(filter\) failed: /);
    expect(lines).toContain('7 |   filter sql "CAST(user_text AS INTEGER) > 0"');
    expect(lines).toContain('  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^');
    expect(stage(status, 'train+test').state).toBe('skipped');
    expect(status.error?.stage).toBe('clean.2');
  });

  it('fails a train stage cleanly when no trainer is registered (nothing is faked)', async () => {
    const restore = unregisterStageExecutor('train'); // this build has a trainer: take it away for this test
    onTestFinished(restore);
    const withTrain = `${PIPELINE}
train tuned from train {
  base "tiny"
  method full
}
`;
    const { status } = await run(ws, withTrain, 'pipelines/train.ftp');
    expect(status.status).toBe('failed');
    expect(stage(status, 'train+test').state).toBe('succeeded');
    const t = stage(status, 'tuned');
    expect(t.error?.message).toBe("no executor is registered for 'train' stages");
    expect(t.error?.rendered).toMatch(/^pipelines\/train\.ftp:12:1 error\[R101\]/);
    expect(t.error?.help[0]).toMatch(/trainer/);
  });

  it('cancels a running stage through the cancel-request file (another process), and the run says so', async () => {
    const real = stageExecutor('dedupe_exact')!;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const undo = registerStageExecutor('dedupe_exact', {
      ...real,
      cacheable: () => 'test stage that waits',
      run: async (ctx) => {
        started();
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
        throw new Error('unreachable');
      }
    });
    try {
      const handle = await startRun(ws, { source: PIPELINE, file: 'pipelines/cancel.ftp' }, { origin: 'test' });
      await running;
      const result = await cancelRun(ws, handle.runId, 'stopped by the test');
      expect(result.outcome).toBe('requested');
      const status = await handle.done;
      expect(status.status).toBe('cancelled');
      expect(status.cancel_reason).toBe('stopped by the test');
      expect(stage(status, 'clean.2').state).toBe('cancelled');
      expect(stage(status, 'train+test').state).toBe('skipped');
      const types = (await readEvents(runPaths(ws, handle.runId).events)).events.map((e) => e.event.type);
      expect(types).toContain('cancel_requested');
      expect(types).toContain('stage_cancelled');
      expect(await cancelRun(ws, handle.runId)).toMatchObject({ outcome: 'finished', status: 'cancelled' });
      // and through an AbortSignal in the same process
      const controller = new AbortController();
      const second = await startRun(ws, { source: PIPELINE, file: 'pipelines/cancel.ftp' }, { origin: 'test', signal: controller.signal });
      controller.abort(new Error('Ctrl-C'));
      expect((await second.done).status).toBe('cancelled');
    } finally {
      undo();
    }
  });

  it('reports a run whose process died as stale, and cancelRun marks it cancelled', async () => {
    const { runId, status } = await run(ws, PIPELINE, 'pipelines/exec.ftp');
    const dead = { ...status, status: 'running' as const, pid: 2 ** 22 + 12345, finished_at: null };
    await writeStatus(ws, dead);
    expect((await readRun(ws, runId)).stale).toBe(true);
    expect((await listRuns(ws)).runs.find((r) => r.run_id === runId)?.stale).toBe(true);
    expect(await cancelRun(ws, runId)).toMatchObject({ outcome: 'cancelled', status: 'cancelled' });
    expect((await readRun(ws, runId)).status.status).toBe('cancelled');
  });

  it('subscribeEvents follows a live run from any byte offset until it ends', async () => {
    const handle = await startRun(ws, { source: PIPELINE.replace('seed 5', 'seed 6'), file: 'pipelines/exec.ftp' }, { origin: 'test' });
    const seen: { type: string; next: number }[] = [];
    for await (const e of subscribeEvents(ws, handle.runId, { pollMs: 20 })) seen.push({ type: e.event.type, next: e.next });
    await handle.done;
    expect(seen[0].type).toBe('run_created');
    expect(seen[seen.length - 1].type).toBe('run_finished');
    const resumed: string[] = [];
    for await (const e of subscribeEvents(ws, handle.runId, { from: seen[2].next })) resumed.push(e.event.type);
    expect(resumed).toEqual(seen.slice(3).map((x) => x.type));
  });
});

describe('run ids are unique across concurrent runs of one workspace', () => {
  it('starts several runs at once without clashes', async () => {
    const ws = await tempWorkspace({ 'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') } });
    try {
      const handles = await Promise.all([1, 2, 3].map((i) => startRun(ws, { source: PIPELINE.replace('seed 5', `seed ${i}`), file: 'p.ftp' })));
      const statuses = await Promise.all(handles.map((h) => h.done));
      expect(new Set(handles.map((h) => h.runId)).size).toBe(3);
      expect(statuses.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      ws.cleanup();
    }
  });
});
