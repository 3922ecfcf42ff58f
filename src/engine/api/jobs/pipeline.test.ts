/**
 * A job's generated pipeline goes through the real checker and compiler against a real
 * workspace (a stored file, the shared base model) and compiles to the train stage the job asked for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { TrainStage } from '../../../../dsl/plan.ts';
import { checkPipeline } from '../../runs/index.ts';
import { openWorkspace } from '../../workspace.ts';
import { describeShared, shared } from '../../../../tests/support/shared.ts';
import { JOB_TRAIN_STAGE, jobPipeline } from './pipeline.ts';
import type { JobSpec } from './spec.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-jobpipe-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeShared('job pipelines', () => {
  it('compile to a train stage with the job’s base, hyperparameters, seed and data', async () => {
    const ws = await openWorkspace(root, { create: true });
    for (const id of ['file-AAAAAAAAAAAAAAAAAAAAAAAA', 'file-BBBBBBBBBBBBBBBBBBBBBBBB']) {
      fs.mkdirSync(path.join(ws.dir, 'files', id), { recursive: true });
      fs.copyFileSync(shared('datasets', 'openai_cookbook_toy_chat.jsonl'), path.join(ws.dir, 'files', id, 'content.jsonl'));
    }
    const spec: JobSpec = { model: 'tinystories-260k', training_file: 'file-AAAAAAAAAAAAAAAAAAAAAAAA', validation_file: 'file-BBBBBBBBBBBBBBBBBBBBBBBB', suffix: 'x', seed: 123, metadata: { a: 'b' }, method: 'supervised', hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 0.3 } };
    const source = jobPipeline({ id: 'ftjob-X', tag: 'AbCdEfGh', spec, created_at: '2026-01-01T00:00:00Z' }, { training: '.tunebench/files/file-AAAAAAAAAAAAAAAAAAAAAAAA/content.jsonl', validation: '.tunebench/files/file-BBBBBBBBBBBBBBBBBBBBBBBB/content.jsonl' });
    const { plan } = await checkPipeline(ws, { source, file: 'job.ftp' }, { TUNEBENCH_MODELS: shared('models') });
    expect(plan.pipeline).toBe('ftjob_AbCdEfGh');
    const train = plan.stages.find((s) => s.id === JOB_TRAIN_STAGE) as TrainStage;
    expect(train.params.base).toMatchObject({ kind: 'model', name: 'tinystories-260k' });
    expect(train.params.epochs).toBe(2);
    expect(train.params.batch_size).toBe('auto');
    expect(train.params.learning_rate).toEqual({ mode: 'multiplier', value: 0.3 });
    expect(train.params.seed).toBe(123);
    expect(train.inputs.map((i) => [i.role, i.stage])).toEqual([
      ['train', 'file_AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['validation', 'file_BBBBBBBBBBBBBBBBBBBBBBBB']
    ]);
  });
});
