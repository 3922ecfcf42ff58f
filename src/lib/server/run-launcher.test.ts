/**
 * Runs started from the workbench execute in their own Node process (real child processes, a
 * temporary workspace, data-only pipelines on the sample support tickets): the run succeeds with
 * the child's pid in its status, check errors come back as the editor's 422 with line and column,
 * a rerun's stages are cache hits, and a child stopped with SIGTERM (as on server shutdown) or
 * killed outright never leaves its run "running".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/shared.ts';
import { readRun, readStatus, type RunStatus } from '../../engine/runs/index.ts';
import { launchedRuns, launchRun, RunLaunchError, stopLaunchedRuns } from '../../engine/runs/process/launch.ts';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { runSavedPipeline } from './pipeline-runs.ts';
import { rerunRun } from './run-actions.ts';

const SMALL = `pipeline web_small
dataset tickets from "datasets/support.jsonl" format openai
stage clean from tickets {
  filter turns >= 1
  dedupe exact on user_text
}
split clean into train 80%, test 20% seed 5
`;
// `turn` is not a column (`turns` is): a check error on line 4.
const BROKEN = SMALL.replace('filter turns >= 1', 'filter turn >= 1');
// Enough rows that the import and near dedupe take most of a second: time to stop it midway.
const BIG = `pipeline web_big
dataset tickets from "datasets/big.jsonl" format openai
stage clean from tickets { dedupe near on user_text }
`;

let ws: Workspace;

async function finalStatus(id: string, timeoutMs = 30_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await readStatus(ws, id);
    if (['succeeded', 'failed', 'cancelled'].includes(s.status)) return s;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${s.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 1-based line and column of the first `needle` in `text`, counted here by hand. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe('runs started from the workbench run in their own process', () => {
  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-web-runs-'));
    fs.mkdirSync(path.join(root, 'datasets'));
    fs.mkdirSync(path.join(root, 'pipelines'));
    const support = fs.readFileSync(path.join(REPO_ROOT, 'datasets', 'support.jsonl'), 'utf8');
    fs.writeFileSync(path.join(root, 'datasets', 'support.jsonl'), support);
    // 30,000 distinct conversations made from the sample's lines.
    const lines = support.trim().split('\n');
    const big: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const c = JSON.parse(lines[i % lines.length]) as { messages: { content: string }[] };
      c.messages[0].content += ` (ticket ${i})`;
      big.push(JSON.stringify(c));
    }
    fs.writeFileSync(path.join(root, 'datasets', 'big.jsonl'), big.join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'pipelines', 'small.ftp'), SMALL);
    fs.writeFileSync(path.join(root, 'pipelines', 'broken.ftp'), BROKEN);
    ws = await openWorkspace(root, { create: true });
  });
  afterAll(() => fs.rmSync(ws.root, { recursive: true, force: true }));

  let first = '';

  it('runs a saved pipeline in a child process whose pid the run records', async () => {
    const started = await runSavedPipeline(ws, 'small');
    first = started.runId;
    expect(started.page).toBe(`/runs/${first}`);
    expect(started.events).toBe(`/api/runs/${first}/events`);
    const status = await finalStatus(first);
    expect(status.status).toBe('succeeded');
    expect(status.pid).not.toBeNull();
    expect(status.pid).not.toBe(process.pid);
    const record = await readRun(ws, first);
    expect(record.manifest.origin).toBe('web');
    expect(record.source).toBe(SMALL);
    expect(status.stages.map((s) => s.state)).toEqual(status.stages.map(() => 'succeeded'));
  });

  it('answers a pipeline with check errors with the 422 the editor shows, with line and column', async () => {
    const runsBefore = fs.readdirSync(ws.runsDir).length;
    const e = await runSavedPipeline(ws, 'broken').then(
      () => null,
      (x: unknown) => x
    );
    expect(e).toBeInstanceOf(ApiFailure);
    const f = e as ApiFailure;
    expect(f.status).toBe(422);
    expect(f.code).toBe('pipeline_has_errors');
    const details = f.details as { diagnostics: { severity: string; code: string; message: string; help: string[]; line: number; column: number }[]; rendered: string };
    const err = details.diagnostics.find((d) => d.severity === 'error')!;
    expect(err.message).toContain("'turn'");
    expect({ line: err.line, column: err.column }).toEqual(positionOf(BROKEN, 'turn >='));
    expect(Object.keys(err).sort()).toEqual(['code', 'column', 'help', 'line', 'message', 'severity']);
    expect(details.rendered).toContain('pipelines/broken.ftp:4:');
    expect(fs.readdirSync(ws.runsDir).length).toBe(runsBefore); // no run was created
  });

  it('reruns in a child process: a new run whose stages are all cache hits', async () => {
    const again = await rerunRun(ws, first);
    expect(again.runId).not.toBe(first);
    const status = await finalStatus(again.runId);
    expect(status.status).toBe('succeeded');
    expect(status.rerun_of).toBe(first);
    expect(status.pid).not.toBe(process.pid);
    expect(status.stages.map((s) => s.cache?.hit)).toEqual(status.stages.map(() => true));
  });

  it('answers a rerun whose pipeline no longer checks with a 422', async () => {
    const moved = path.join(ws.root, 'datasets', 'support.moved');
    fs.renameSync(path.join(ws.root, 'datasets', 'support.jsonl'), moved);
    try {
      await expect(rerunRun(ws, first)).rejects.toMatchObject({ status: 422, code: 'pipeline_has_errors', message: expect.stringContaining("the run's pipeline no longer checks") });
    } finally {
      fs.renameSync(moved, path.join(ws.root, 'datasets', 'support.jsonl'));
    }
  });

  it('stops its runs with SIGTERM (server shutdown): the run ends cancelled and says why', async () => {
    const r = await launchRun(ws, { source: BIG, file: 'pipelines/big.ftp' });
    if (r.type !== 'started') throw new Error(`not started: ${r.message}`);
    expect(launchedRuns()).toContainEqual({ runId: r.runId, pid: r.pid });
    stopLaunchedRuns();
    expect(await r.exited).toEqual({ code: 130, signal: null }); // it stopped itself, cleanly
    const status = await readStatus(ws, r.runId);
    expect(status.status).toBe('cancelled');
    expect(status.pid).toBe(r.pid);
    expect(status.cancel_reason).toContain('SIGTERM');
    expect(status.error?.message).toContain('the web server stops its runs');
    expect(status.stages.some((s) => s.state === 'cancelled' || s.state === 'skipped')).toBe(true);
    expect(launchedRuns().map((l) => l.pid)).not.toContain(r.pid);
  });

  it('marks a run whose process was killed outright as failed, never running', async () => {
    const r = await launchRun(ws, { source: BIG.replace('web_big', 'web_big_killed'), file: 'pipelines/big.ftp' });
    if (r.type !== 'started') throw new Error(`not started: ${r.message}`);
    process.kill(r.pid, 'SIGKILL');
    expect((await r.exited).signal).toBe('SIGKILL');
    const status = await finalStatus(r.runId, 5_000);
    expect(status.status).toBe('failed');
    expect(status.error?.message).toContain(`pid ${r.pid}) exited (SIGKILL)`);
    expect(status.stages.some((s) => s.state === 'running' || s.state === 'pending')).toBe(false);
  });

  it('rejects with the child\'s reason when it cannot create the run', async () => {
    const notWs = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-not-ws-'));
    try {
      const e = await launchRun({ ...ws, root: notWs }, { rerun: first }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RunLaunchError);
      expect((e as Error).message).toContain('is not a tunebench workspace');
    } finally {
      fs.rmSync(notWs, { recursive: true, force: true });
    }
  });
});
