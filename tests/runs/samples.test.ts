/**
 * Every sample pipeline in pipelines/ that has only data stages runs end to end over the sample
 * datasets in datasets/, and a rerun is all cache hits. (Samples that train or evaluate run once
 * the trainer and evaluator register their stage executors.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDataStage } from '../../dsl/plan.ts';
import { checkPipeline, rerun } from '../../src/engine/runs/index.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { run, tempWorkspace } from './helpers.ts';

const PIPELINES = path.join(REPO_ROOT, 'pipelines');
const samples = fs.readdirSync(PIPELINES).filter((f) => f.endsWith('.ftp')).sort();

describe('data-only sample pipelines run end to end', async () => {
  const files = Object.fromEntries(fs.readdirSync(path.join(REPO_ROOT, 'datasets')).map((f) => [`datasets/${f}`, { copy: path.join(REPO_ROOT, 'datasets', f) }]));
  const ws = await tempWorkspace(files);
  afterAll(() => ws.cleanup());
  const dataOnly: string[] = [];
  for (const file of samples) {
    const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8');
    const { plan } = await checkPipeline(ws, { source, file: `pipelines/${file}` }, { ...process.env, TUNEBENCH_MODELS: '' }).catch(() => ({ plan: null }));
    if (plan && plan.stages.every(isDataStage)) dataOnly.push(file);
  }

  it('there is at least one', () => expect(dataOnly).toContain('clean-support.ftp'));

  for (const file of dataOnly) {
    it(file, async () => {
      const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8');
      const { runId, status } = await run(ws, source, `pipelines/${file}`);
      expect(status.status, status.error?.rendered ?? '').toBe('succeeded');
      for (const s of status.stages) expect(s.rows_out, s.id).toBeGreaterThan(0);
      const again = await (await rerun(ws, runId)).done;
      expect(again.stages.every((s) => s.cache?.hit)).toBe(true);
    });
  }
});
