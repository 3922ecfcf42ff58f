/**
 * The train stage inside a run: cancelling mid-training leaves a step checkpoint in the run's
 * folder, and a rerun of the same pipeline adopts it and finishes from there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { registerBuiltinExecutors, rerun, startRun } from '../../src/engine/runs/index.ts';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.ts';
import { removeDir, tempDir } from './helpers.ts';

const SOURCE = `pipeline resume_me
dataset tickets from "datasets/support.jsonl" format openai
split tickets into train 80%, val 20% seed 1
train tuned from train validate val {
  base "tinystories-260k"
  method lora rank 4 alpha 8 targets [q_proj, v_proj]
  epochs 1 learning_rate 5e-3 batch_size 8 max_length 160
}
`;

describeShared('train stage: cancel and rerun', () => {
  let ws: Workspace;
  let root: string;
  const savedModels = process.env.TUNEBENCH_MODELS;

  beforeAll(async () => {
    process.env.TUNEBENCH_MODELS = shared('models');
    registerBuiltinExecutors();
    root = tempDir('stage-resume');
    fs.mkdirSync(path.join(root, 'datasets'));
    fs.copyFileSync(path.join(REPO_ROOT, 'datasets', 'support.jsonl'), path.join(root, 'datasets', 'support.jsonl'));
    ws = await openWorkspace(root, { create: true });
  });
  afterAll(() => {
    if (savedModels === undefined) delete process.env.TUNEBENCH_MODELS;
    else process.env.TUNEBENCH_MODELS = savedModels;
    removeDir(root);
  });

  it('resumes a cancelled training from its step checkpoint', async () => {
    const controller = new AbortController();
    const started = await startRun(ws, { source: SOURCE, file: 'pipelines/resume.ftp' }, {
      origin: 'test',
      signal: controller.signal,
      progressIntervalMs: 0,
      onEvent: (e) => {
        if (e.stage === 'tuned' && e.type === 'stage_progress' && (e.data as { done: number }).done >= 3) controller.abort(new Error('test cancels'));
      }
    });
    const first = await started.done;
    expect(first.status).toBe('cancelled');
    const work = path.join(ws.runsDir, started.runId, 'checkpoints', 'tuned');
    const saved = fs.readdirSync(work).filter((n) => n.startsWith('step-'));
    expect(saved).toHaveLength(1);
    expect(fs.existsSync(path.join(work, 'resume.json'))).toBe(true);

    const second = await (await rerun(ws, started.runId)).done;
    expect(second.status, second.error?.rendered ?? '').toBe('succeeded');
    const t = second.stages.find((s) => s.id === 'tuned')!;
    const summary = t.summary as { resumed_from: { checkpoint: string; step: number }; steps: number; total_steps: number };
    expect(summary.resumed_from.checkpoint).toBe(saved[0]);
    expect(summary.resumed_from.step).toBeGreaterThanOrEqual(3);
    expect(summary.steps).toBe(summary.total_steps);
  });
});
