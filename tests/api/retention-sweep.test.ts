/**
 * Retention end to end: four workbench runs train tinystories-260k (a few LoRA steps each); one
 * model is pinned, one exported from the models page, one with `tunebench export --out DIR` to a
 * folder outside the workspace, and the fourth is left alone. Sweeping at a time past the
 * retention period deletes only the fourth — its checkpoints and stage-cache entry go, its run
 * stays as history — and sweeping with TUNEBENCH_MODEL_RETENTION=never deletes nothing. Then the
 * same from the command line (`models tuned / pin / unpin / delete`), and `tunebench cancel` of a
 * run that another process is training.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { registerBuiltinExecutors, runPipeline, runPaths, readExportLog, readStatus } from '../../src/engine/runs/index.ts';
import { main } from '../../src/cli/main.ts';
import { launchRun } from '../../src/engine/runs/process/launch.ts';
import { capture } from '../support/cli.ts';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.ts';
import { forgetModel, listModelInfos, type ModelInfo } from '../../src/engine/api/models/catalog.ts';
import { exportModel } from '../../src/engine/api/models/export.ts';
import { updateModelsState } from '../../src/engine/api/models/state.ts';
import { retentionOf, sweepExpired } from '../../src/engine/api/models/retention.ts';
import { readModelsState } from '../../src/engine/api/models/state.ts';
import { removeDir, tempDir } from '../train/helpers.ts';

const pipeline = (name: string, seed: number) => `pipeline ${name}
dataset tickets from "datasets/support.jsonl" format openai
split tickets into train 90%, val 10% seed ${seed}
train tuned from train {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs 1 learning_rate 3e-3 batch_size 4 max_length 128 max_steps 2
}
`;

describeShared('retention of fine-tuned models of workbench runs', () => {
  let ws: Workspace;
  let root: string;
  const env: NodeJS.ProcessEnv = { ...process.env, TUNEBENCH_BACKEND: 'wasm' };
  const models: ModelInfo[] = [];

  const savedModels = process.env.TUNEBENCH_MODELS;

  beforeAll(async () => {
    // The train executor finds base models through the process environment, as the CLI does.
    process.env.TUNEBENCH_MODELS = env.TUNEBENCH_MODELS = shared('models');
    registerBuiltinExecutors();
    root = tempDir('retention');
    fs.cpSync(path.join(REPO_ROOT, 'datasets'), path.join(root, 'datasets'), { recursive: true });
    ws = await openWorkspace(root, { create: true });
    for (const [name, seed] of [['kept_pinned', 1], ['kept_exported', 2], ['kept_cli_export', 4], ['expires', 3]] as const) {
      const { status } = await runPipeline(ws, { source: pipeline(name, seed), file: `pipelines/${name}.ftp` }, { origin: 'test', env });
      expect(status.status, status.error?.rendered ?? '').toBe('succeeded');
    }
    forgetModel();
    for (const m of await listModelInfos(ws, env)) if (m.kind === 'fine-tuned') models.push(m);
  }, 240_000);
  afterAll(() => {
    if (savedModels === undefined) delete process.env.TUNEBENCH_MODELS;
    else process.env.TUNEBENCH_MODELS = savedModels;
    removeDir(root);
  });

  const byPipeline = (p: string) => models.find((m) => m.pipeline === p)!;

  it('lists each run model with an expiry 15 days after training', () => {
    expect(models.map((m) => m.pipeline).sort()).toEqual(['expires', 'kept_cli_export', 'kept_exported', 'kept_pinned']);
    for (const m of models) {
      expect(m.job).toBeNull();
      const r = retentionOf(m, { format: 'tunebench.api-models', version: 1, pinned: {}, deleted: {}, exports: {} }, {});
      expect(Date.parse(r.expires_at!) - Date.parse(m.finished_at!)).toBe(15 * 86_400_000);
    }
  });

  it('sweeps only the model that is neither pinned nor exported, keeping runs and exports', async () => {
    const pinned = byPipeline('kept_pinned');
    const exported = byPipeline('kept_exported');
    const doomed = byPipeline('expires');
    await updateModelsState(ws, (s) => void (s.pinned[pinned.id] = new Date().toISOString()));
    const exp = await exportModel(ws, exported.id, 'adapter', env);
    const exportPath = path.isAbsolute(exp.path) ? exp.path : path.join(ws.root, exp.path);
    expect(fs.existsSync(exportPath)).toBe(true);
    const cliExported = byPipeline('kept_cli_export');
    const outside = tempDir('retention-export');
    const io = { isTTY: false, out: () => {}, err: (t: string) => void process.stderr.write(t + '\n') };
    expect(await main(['--workspace', root, 'export', cliExported.run_id!, '--format', 'adapter', '--out', path.join(outside, 'adapter')], io, env)).toBe(0);
    expect(readExportLog(ws, cliExported.run_id!).map((e) => [e.stage, e.format])).toEqual([[cliExported.stage, 'adapter']]);

    const doomedKey = (await readStatus(ws, doomed.run_id!)).stages.find((s) => s.id === doomed.stage)!.cache!.key!;
    const doomedCkpt = path.join(runPaths(ws, doomed.run_id!).checkpointsDir, doomed.stage!);
    expect(fs.existsSync(path.join(ws.stagesDir, doomedKey))).toBe(true);

    const future = Date.parse(doomed.finished_at!) + 16 * 86_400_000;
    expect(await sweepExpired(ws, { ...env, TUNEBENCH_MODEL_RETENTION: 'never' }, future)).toEqual([]);
    expect(await sweepExpired(ws, env, Date.parse(doomed.finished_at!) + 14 * 86_400_000)).toEqual([]);
    expect(await sweepExpired(ws, env, future)).toEqual([doomed.id]);

    forgetModel();
    const left = (await listModelInfos(ws, env)).filter((m) => m.kind === 'fine-tuned').map((m) => m.id);
    expect(left.sort()).toEqual([exported.id, pinned.id, cliExported.id].sort());
    expect(fs.existsSync(path.join(ws.stagesDir, doomedKey))).toBe(false);
    expect(fs.existsSync(doomedCkpt)).toBe(false);
    expect(fs.existsSync(runPaths(ws, doomed.run_id!).dir)).toBe(true); // the run stays as history
    expect(fs.existsSync(exportPath)).toBe(true);
    expect((await readModelsState(ws)).deleted[doomed.id]).toBeTruthy();
    removeDir(outside);
  }, 120_000);

  const cli = async (...args: string[]) => {
    const io = capture();
    const code = await main([...args, '--workspace', root], io, env);
    return { code, stdout: io.stdout, stderr: io.stderr };
  };

  it('tunebench models tuned / pin / unpin / delete: the Models page from the command line', async () => {
    const listed = JSON.parse((await cli('models', 'tuned', '--json')).stdout) as { id: string; pinned: boolean; exported: boolean; expires_at: string | null }[];
    const pinned = byPipeline('kept_pinned');
    const cliExported = byPipeline('kept_cli_export');
    expect(listed.find((r) => r.id === pinned.id)).toMatchObject({ pinned: true, expires_at: null });
    expect(listed.find((r) => r.id === cliExported.id)).toMatchObject({ pinned: false, exported: true, expires_at: null });
    expect(listed.some((r) => r.id === byPipeline('expires').id)).toBe(false); // swept above

    const unpin = await cli('models', 'unpin', pinned.id);
    expect(unpin.code).toBe(0);
    expect(unpin.stdout).toMatch(/unpinned .* \(expires 20\d\d-/);
    expect((await cli('models', 'tuned')).stdout).toMatch(/expires 20\d\d-\d\d-\d\d \d\d:\d\d/);
    expect((await cli('models', 'pin', pinned.id)).stdout).toContain('does not expire');

    const unknown = await cli('models', 'delete', 'ft:nope:x::y');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/ft:nope:x::y/);
    const base = await cli('models', 'delete', 'tinystories-260k');
    expect(base.code).toBe(1);
    expect(base.stderr).toMatch(/base model/);
  });

  it('tunebench cancel stops a run that another process is training; the stage checkpoints first', async () => {
    const source = pipeline('long_run', 9).replace('max_steps 2', 'max_steps 2000').replace('epochs 1', 'epochs 50');
    const started = await launchRun(ws, { source, file: 'pipelines/long_run.ftp' });
    if (started.type !== 'started') throw new Error(`did not start: ${JSON.stringify(started)}`);
    // Wait until the train stage has taken a few steps.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const st = await readStatus(ws, started.runId);
      if (st.stages.find((s) => s.kind === 'train')?.state === 'running' && fs.existsSync(runPaths(ws, started.runId).metrics) && fs.readFileSync(runPaths(ws, started.runId).metrics, 'utf8').split('\n').length > 3) break;
      if (Date.now() > deadline) throw new Error(`run still ${st.status} without training steps`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await cli('cancel', started.runId, '--reason', 'enough for the test');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`asked run ${started.runId}`);
    const exit = await started.exited;
    expect(exit.code).toBe(130);
    const st = await readStatus(ws, started.runId);
    expect(st.status).toBe('cancelled');
    expect(st.cancel_reason).toBe('enough for the test');
    const ckpts = fs.readdirSync(path.join(runPaths(ws, started.runId).checkpointsDir, 'tuned'));
    expect(ckpts.some((c) => /^step-\d+$/.test(c))).toBe(true);

    const again = await cli('cancel', started.runId);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('already cancelled');
    expect((await cli('cancel', '20991231-000000-aaaaaa')).stderr).toMatch(/no run '20991231-000000-aaaaaa'/);
  }, 120_000);
});
