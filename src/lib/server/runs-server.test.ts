/**
 * The runs pages' server modules on real runs (tinystories-260k, a few training steps): the
 * metrics stream followed while the run trains and resumed from an offset, the runs list's key
 * metrics, the run detail (checkpoints with best/final, eval metrics with cards, source file
 * state), rerun with cache hits and borrowed curves, compare from a URL, and an export downloaded
 * as a tar. Expected values come from the run's own files, read independently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared } from '../../../tests/support/shared.ts';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { readStatus, runPaths, startRun, type RunStatus } from '../../engine/runs/index.ts';
import type { EvalFile } from '../../engine/eval/stage/eval-file.ts';
import { tarFolder } from '../../engine/api/tar.ts';
import type { MetricLine } from '../../engine/train/metrics.ts';
import { parseCompareQuery } from '$lib/compare-url';
import type { MetricsBatch } from '$lib/runs';
import { listRunRows } from './run-list.ts';
import { metricsSnapshot, metricsStream, readMetricLines } from './run-metrics.ts';
import { runDetail } from './run-detail.ts';
import { rerunRun } from './run-actions.ts';
import { compareFromQuery } from './run-compare.ts';
import { checkExportRequest, exportFolder, exportRun } from './run-exports.ts';
import { predictionsPage } from './predictions.ts';

const PIPELINE = (lr: string) => `pipeline tiny_web "tiny train and eval"
dataset t from "datasets/support.jsonl" format openai
stage small from t { limit 40 }
split small into train 70%, val 10%, test 20% seed 3
train tuned from train validate val {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs 2 batch_size 4 learning_rate ${lr} max_length 128
  eval_every 2 steps
}
eval [base, tuned] on test {
  metrics bleu, rougeL
  generate max_tokens 6
  bootstrap 100
}
`;

let root: string;
let ws: Workspace;
let first: { id: string; status: RunStatus };
const streamed: { batch: MetricsBatch; id: string | number | undefined; runStatus: string }[] = [];
let ended: unknown = null;
const savedModels = process.env.TUNEBENCH_MODELS;

async function untilFinished(id: string): Promise<RunStatus> {
  for (;;) {
    const s = await readStatus(ws, id);
    if (['succeeded', 'failed', 'cancelled'].includes(s.status)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeShared('run pages: server side on real runs', () => {
  beforeAll(async () => {
    process.env.TUNEBENCH_MODELS = shared('models');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-runs-web-'));
    fs.mkdirSync(path.join(root, 'datasets'));
    fs.mkdirSync(path.join(root, 'pipelines'));
    fs.copyFileSync(path.join(REPO_ROOT, 'datasets', 'support.jsonl'), path.join(root, 'datasets', 'support.jsonl'));
    fs.writeFileSync(path.join(root, 'pipelines', 'tiny.ftp'), PIPELINE('3e-3'));
    ws = await openWorkspace(root, { create: true });

    const started = await startRun(ws, { source: PIPELINE('3e-3'), file: 'pipelines/tiny.ftp' }, { origin: 'test' });
    // Follow the metrics while the run trains.
    const ctl = new AbortController();
    const follow = (async () => {
      for await (const e of metricsStream(ws, started.runId, 0, ctl.signal, { pollMs: 20 })) {
        if (e.event === 'end') ended = e.data;
        else streamed.push({ batch: e.data as MetricsBatch, id: e.id, runStatus: (await readStatus(ws, started.runId)).status });
      }
    })();
    const status = await started.done;
    await follow;
    first = { id: started.runId, status };
  }, 180_000);

  afterAll(() => {
    if (savedModels === undefined) delete process.env.TUNEBENCH_MODELS;
    else process.env.TUNEBENCH_MODELS = savedModels;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('streams metrics.jsonl while the run trains, ends after the last line, and resumes from an offset', async () => {
    expect(first.status.status).toBe('succeeded');
    const file = runPaths(ws, first.id).metrics;
    const onDisk = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricLine);
    expect(onDisk.length).toBeGreaterThan(4);
    expect(streamed.flatMap((s) => s.batch.lines)).toEqual(onDisk);
    expect(streamed.some((s) => s.runStatus === 'running')).toBe(true); // live, not only a replay
    expect(ended).toEqual({ status: 'succeeded' });
    // The id of a batch is the byte offset after it: resuming there gives exactly the rest.
    const cut = streamed.findIndex((s) => s.id !== undefined);
    const seen = streamed.slice(0, cut + 1).flatMap((s) => s.batch.lines).length;
    const rest: MetricLine[] = [];
    for await (const e of metricsStream(ws, first.id, Number(streamed[cut].id), new AbortController().signal)) if (e.event === 'metrics') rest.push(...(e.data as MetricsBatch).lines);
    expect(rest).toEqual(onDisk.slice(seen));
    // A partial last line waits for its newline.
    fs.appendFileSync(file, '{"step": 99, "train_loss"');
    const read = await readMetricLines(file);
    expect(read.lines).toEqual(onDisk);
    expect(read.next).toBe(fs.statSync(file).size - '{"step": 99, "train_loss"'.length);
  });

  it('lists the run with its last validation loss and the eval scores of its last model', async () => {
    const { runs } = await listRunRows(ws);
    const row = runs.find((r) => r.id === first.id)!;
    const lines = (await readMetricLines(runPaths(ws, first.id).metrics)).lines;
    const lastFull = [...lines].reverse().find((l) => l.full_valid_loss !== undefined)!.full_valid_loss;
    expect(row.val_loss).toBe(lastFull);
    const evalSt = first.status.stages.find((s) => s.id === 'eval')!;
    const e = JSON.parse(fs.readFileSync(path.join(root, evalSt.outputs.main.path), 'utf8')) as EvalFile;
    expect(row.eval?.model).toBe('tuned');
    expect(row.eval?.models).toEqual(['base', 'tuned']);
    expect(row.eval?.scores.bleu).toBeCloseTo(e.models[1].scores.bleu.value!, 5);
    expect(row.eval?.scores.rougeL).toBeCloseTo(e.models[1].scores.rougeL.value!, 5);
  });

  it('describes checkpoints (best and final), eval metrics with cards and CIs, and whether the file still holds the text', async () => {
    const d = await runDetail(ws, first.id);
    const train = d.train[0];
    const summary = first.status.stages.find((s) => s.id === 'tuned')!.summary as { best_checkpoint: string; final_checkpoint: string };
    expect(train.checkpoints.find((c) => c.best)?.name).toBe(summary.best_checkpoint);
    expect(train.checkpoints.find((c) => c.final)?.name).toBe(summary.final_checkpoint);
    expect(train.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    const ev = d.evals[0];
    expect(ev.models.map((m) => m.label)).toEqual(['base', 'tuned']);
    const bleu = ev.metrics.find((m) => m.key === 'bleu')!;
    expect(bleu.card.name).toBe('BLEU');
    expect(bleu.card.signature).toContain('tok:13a');
    expect(ev.models[1].scores.rougeL.ci).not.toBeNull();
    expect(ev.score_columns).toContain('score_rougeL');
    expect(d.sourceFile).toEqual({ name: 'tiny', state: 'same' });
    fs.appendFileSync(path.join(root, 'pipelines', 'tiny.ftp'), '# edited\n');
    expect((await runDetail(ws, first.id)).sourceFile).toEqual({ name: 'tiny', state: 'changed' });
    const page = await predictionsPage(ws, first.id, { model: 'tuned', limit: 3 });
    expect(page.total).toBe(ev.examples);
    expect(page.rows).toHaveLength(3);
  });

  it('reruns with every stage from the cache, and the rerun borrows the trained curves', async () => {
    const r = await rerunRun(ws, first.id);
    expect(r.page).toBe(`/runs/${r.runId}`);
    const status = await untilFinished(r.runId);
    expect(status.status).toBe('succeeded');
    expect(status.stages.map((s) => s.cache?.hit)).toEqual(status.stages.map(() => true));
    expect(status.rerun_of).toBe(first.id);
    const snap = await metricsSnapshot(ws, r.runId);
    expect(snap.borrowed).toEqual([{ stage: 'tuned', run: first.id }]);
    expect(snap.lines).toEqual((await readMetricLines(runPaths(ws, first.id).metrics)).lines);
    const d = await runDetail(ws, r.runId);
    expect(d.train[0].cached_from).toBe(first.id);
  });

  it('compares two runs from a URL (the learning rate differs) and the models of one run', async () => {
    const second = await startRun(ws, { source: PIPELINE('1e-3'), file: 'pipelines/tiny-slow.ftp' }, { origin: 'test' });
    expect((await second.done).status).toBe('succeeded');
    const q = parseCompareQuery(new URLSearchParams(`runs=${first.id},${second.runId}:tuned&top=3`));
    if (!q.ok || q.query.kind === 'none') throw new Error('bad query');
    const v = await compareFromQuery(ws, q.query);
    expect(v.result.kind).toBe('runs');
    expect(v.result.params.map((p) => p.path)).toContain('tuned.learning_rate.value');
    expect(v.result.params.find((p) => p.path === 'tuned.learning_rate.value')?.values).toEqual([0.003, 0.001]);
    expect(v.sides.map((s) => s.train_stage)).toEqual(['tuned', 'tuned']);
    expect(v.result.disagreements.examples.length).toBeLessThanOrEqual(3);
    const m = parseCompareQuery(new URLSearchParams(`run=${first.id}&models=base,tuned`));
    if (!m.ok || m.query.kind === 'none') throw new Error('bad query');
    const mv = await compareFromQuery(ws, m.query);
    expect(mv.result.sides.map((s) => s.name)).toEqual(['base', 'tuned']);
    expect(mv.sides.map((s) => s.train_stage)).toEqual([null, 'tuned']);
    const bad = parseCompareQuery(new URLSearchParams(`runs=${first.id},20200101-000000-000000`));
    if (!bad.ok || bad.query.kind === 'none') throw new Error('bad query');
    await expect(compareFromQuery(ws, bad.query)).rejects.toMatchObject({ status: 422, code: 'cannot_compare' });
  }, 120_000);

  it('exports the merged model through tunebench export and streams it as a tar of its files', async () => {
    await expect(checkExportRequest(ws, first.id, { format: 'zip' })).rejects.toMatchObject({ status: 400, code: 'bad_format' });
    await expect(checkExportRequest(ws, first.id, { format: 'merged', checkpoint: 'epoch-9' })).rejects.toMatchObject({ status: 404, code: 'checkpoint_not_found' });
    await expect(checkExportRequest(ws, first.id, { format: 'merged', stage: 'nope' })).rejects.toMatchObject({ status: 404 });
    const e = await exportRun(ws, first.id, { format: 'merged', checkpoint: 'best' });
    expect(e.name).toBe('tuned-best-merged');
    const names = e.files.map((f) => f.name);
    expect(names).toContain('model.safetensors');
    expect(names).toContain('config.json');
    const dir = await exportFolder(ws, first.id, e.name);
    await expect(exportFolder(ws, first.id, '../../etc')).rejects.toMatchObject({ status: 400 });
    // Read the tar back: 512-byte headers (name, octal size), data padded to 512.
    const chunks: Uint8Array[] = [];
    const reader = tarFolder(dir, e.name).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const tar = Buffer.concat(chunks);
    const entries: { name: string; size: number }[] = [];
    for (let at = 0; at + 512 <= tar.length; ) {
      const h = tar.subarray(at, at + 512);
      if (h.every((b) => b === 0)) break;
      const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, ''), 8);
      entries.push({ name, size });
      expect(tar.subarray(at + 512, at + 512 + size).equals(fs.readFileSync(path.join(dir, path.basename(name))))).toBe(true);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    expect(entries).toEqual(e.files.map((f) => ({ name: `${e.name}/${f.name}`, size: f.bytes })));
  }, 120_000);
});
