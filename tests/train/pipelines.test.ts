/**
 * Every sample pipeline in pipelines/ that trains runs its train stages end to end with
 * `tunebench run`'s engine (runPipeline) over the sample datasets and the shared
 * tinystories-260k, found through TUNEBENCH_MODELS. To keep the suite fast, each train stage's
 * `epochs N` is cut to `epochs 1` (auto stays auto); everything else — staged bases, INT8 bases,
 * packed batches, auto hyperparameters, early stopping — runs as written.
 *
 * The eval stages need the evaluator's executor: when it is registered the whole run must
 * succeed; otherwise the run may fail only at an eval stage, for want of that executor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { registerBuiltinExecutors, runPipeline, rerun, stageExecutor, wsAbsolute, type RunStatus } from '../../src/engine/runs/index.ts';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.ts';
import { readMetrics } from '../../src/engine/train/metrics.ts';
import { loadTrainedModel } from '../../src/engine/train/load-trained.ts';
import { generate } from '../../src/engine/generate/generate.ts';
import { main } from '../../src/cli/main.ts';
import { readSafetensors } from '../../src/engine/model/safetensors.ts';
import { removeDir, tempDir } from './helpers.ts';

/** Runs the tunebench CLI in-process; returns the exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io = { isTTY: false, out: (t: string) => void (out += t + '\n'), err: (t: string) => void (out += t + '\n') };
  const code = await main(args, io, { ...process.env, TUNEBENCH_BACKEND: 'wasm' });
  return { code, out };
}

const PIPELINES = path.join(REPO_ROOT, 'pipelines');
const training = fs
  .readdirSync(PIPELINES)
  .filter((f) => f.endsWith('.ftp') && /^train\s/m.test(fs.readFileSync(path.join(PIPELINES, f), 'utf8')))
  .sort();

describeShared('sample pipelines that train', () => {
  let ws: Workspace;
  let root: string;
  const savedModels = process.env.TUNEBENCH_MODELS;

  beforeAll(async () => {
    process.env.TUNEBENCH_MODELS = shared('models');
    registerBuiltinExecutors();
    root = tempDir('pipelines');
    fs.cpSync(path.join(REPO_ROOT, 'datasets'), path.join(root, 'datasets'), { recursive: true });
    ws = await openWorkspace(root, { create: true });
  });
  afterAll(() => {
    if (savedModels === undefined) delete process.env.TUNEBENCH_MODELS;
    else process.env.TUNEBENCH_MODELS = savedModels;
    removeDir(root);
  });

  it('there are some', () => expect(training).toEqual(expect.arrayContaining(['support-lora.ftp', 'staged.ftp'])));

  function checkOutcome(status: RunStatus) {
    const evalRegistered = Boolean(stageExecutor('eval'));
    if (evalRegistered) expect(status.status, status.error?.rendered ?? '').toBe('succeeded');
    else {
      const failed = status.stages.filter((s) => s.state === 'failed');
      for (const f of failed) {
        expect(f.kind, f.error?.rendered).toBe('eval');
        expect(f.error?.message).toMatch(/no executor is registered for 'eval'/);
      }
    }
  }

  for (const file of training) {
    it(file, async () => {
      const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8').replace(/\bepochs\s+\d+/g, 'epochs 1');
      const { runId, status } = await runPipeline(ws, { source, file: `pipelines/${file}` }, { origin: 'test' });
      checkOutcome(status);
      const trains = status.stages.filter((s) => s.kind === 'train');
      expect(trains.length).toBeGreaterThan(0);
      const metrics = readMetrics(path.join(ws.runsDir, runId, 'metrics.jsonl'));
      for (const t of trains) {
        expect(t.state, t.error?.rendered).toBe('succeeded');
        const s = t.summary as { steps: number; final_valid: { loss: number } | null; base_valid: { loss: number } | null; final_checkpoint: string };
        expect(s.steps).toBeGreaterThan(0);
        expect(Number.isFinite(s.final_valid?.loss ?? 0)).toBe(true);
        expect(Object.keys(t.outputs)).toEqual(expect.arrayContaining(['main', 'last', s.final_checkpoint]));
        expect(metrics.filter((m) => m.stage === t.id && m.train_loss !== undefined)).toHaveLength(s.steps);
      }
      // The final model of the last train stage generates.
      const last = trains[trains.length - 1];
      const m = loadTrainedModel(wsAbsolute(ws, last.outputs.main.path), { merge: true });
      const out = await generate(m, m.chat!.encode([{ role: 'user', content: 'Where is my order?' }], { addGenerationPrompt: true }), { maxTokens: 4, temperature: 0 });
      expect(out.ids.length + (out.finishReason === 'stop' ? 1 : 0)).toBeGreaterThan(0);
      m.dispose();
      // A rerun takes every cacheable train stage from the cache.
      if (file === 'support-lora.ftp') {
        expect((trains[0].summary as { final_valid: { loss: number }; base_valid: { loss: number } }).final_valid.loss).toBeLessThan((trains[0].summary as { base_valid: { loss: number } }).base_valid.loss);
        const again = await (await rerun(ws, runId)).done;
        expect(again.stages.find((x) => x.id === trains[0].id)?.cache?.hit).toBe(true);
        // tunebench export: a PEFT adapter and an INT8 model with its report.
        const ad = path.join(root, 'exports', 'adapter');
        const a = await cli(['--workspace', root, 'export', runId, '--format', 'adapter', '--checkpoint', 'best', '--out', ad]);
        expect(a.code, a.out).toBe(0);
        expect([...readSafetensors(path.join(ad, 'adapter_model.safetensors')).entries.keys()]).toContain('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
        const i8 = await cli(['--workspace', root, 'export', runId, '--stage', 'tuned', '--format', 'int8', '--out', path.join(root, 'exports', 'int8'), '--json']);
        expect(i8.code, i8.out).toBe(0);
        const report = JSON.parse(i8.out) as { size: { reduction: number }; valid_loss: { change: number } };
        expect(report.size.reduction).toBeGreaterThan(0.7);
        expect(Number.isFinite(report.valid_loss.change)).toBe(true);
        const bad = await cli(['--workspace', root, 'export', runId, '--format', 'adapter', '--checkpoint', 'epoch-9', '--out', path.join(root, 'x')]);
        expect(bad.code).not.toBe(0);
        expect(bad.out).toMatch(/kept no 'epoch-9' checkpoint/);
      }
    }, 300_000);
  }
});
