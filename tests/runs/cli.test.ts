/**
 * The pipeline commands: plan, run, rerun, runs, show, SQL over runs, and Ctrl-C. Most run the
 * CLI in process (main() with captured output); Ctrl-C needs a real process.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../support/cli.ts';
import { main } from '../../src/cli/main.ts';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { SAMPLE, tempWorkspace } from './helpers.ts';

const PIPELINE = fs.readFileSync(path.join(REPO_ROOT, 'pipelines', 'clean-support.ftp'), 'utf8');

describe('tunebench plan / run / rerun / runs / show / sql', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  const cli = async (...args: string[]) => {
    const io = capture();
    const code = await main([...args, '--workspace', ws.root], io, { ...process.env, NO_COLOR: '1' });
    return { code, ...io };
  };
  beforeAll(async () => {
    ws = await tempWorkspace({ 'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') }, 'pipelines/clean-support.ftp': PIPELINE });
    process.chdir(ws.root); // pipeline paths on the command line are relative to the current folder
  });
  afterAll(() => {
    process.chdir(REPO_ROOT);
    ws.cleanup();
  });

  it('plan shows every stage with its key, cache state and SQL, without running anything', async () => {
    const r = await cli('plan', 'pipelines/clean-support.ftp');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pipeline clean_support — Support desk conversations, cleaned and split \(7 stages, 0 cached\)/);
    expect(r.stdout).toContain('[4] clean.3 — dedupe_exact from clean.2');
    expect(r.stdout).toMatch(/key [0-9a-f]{16} \(not cached\)/);
    expect(r.stdout).toContain("SET VARIABLE keep_rows = (");
    expect(r.stdout).toContain('LSH: 12 bands × 10 rows');
    expect(fs.readdirSync(ws.runsDir)).toEqual([]);
    const json = JSON.parse((await cli('plan', 'pipelines/clean-support.ftp', '--json')).stdout) as { plan: { stages: unknown[] }; stages: { id: string; description: { sql: unknown[] } }[] };
    expect(json.plan.stages).toHaveLength(7);
    expect(json.stages.find((s) => s.id === 'clean.1')?.description.sql).toHaveLength(1);
  });

  it('run prints a line per stage with rows, time and cache decision, and the run id; rerun explains cache hits', async () => {
    const first = await cli('run', 'pipelines/clean-support.ftp');
    expect(first.code).toBe(0);
    const id = /run (\d{8}-\d{6}-[0-9a-f]{6}) succeeded/.exec(first.stdout)?.[1];
    expect(id).toBeDefined();
    expect(first.stdout).toMatch(/✓ clean\.3\s+dedupe_exact\s+200 → 162 rows\s+\S+ m?s\s+[\d,]+ rows\/s\s+ran: no cached output/);
    expect(first.stdout).toContain('(0 of 7 stages from the cache)');
    const again = await cli('rerun', id!);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`(rerun of ${id})`);
    expect(again.stdout.match(/cache hit/g)).toHaveLength(7);
    // a changed parameter: that stage and the ones after it re-run, saying why
    fs.writeFileSync(path.join(ws.root, 'pipelines/clean-support.ftp'), PIPELINE.replace('threshold 0.8\n', 'threshold 0.7\n'));
    const changed = await cli('run', 'pipelines/clean-support.ftp');
    expect(changed.stdout).toMatch(/clean\.4\s+dedupe_near .* ran: parameters changed/);
    expect(changed.stdout).toMatch(/clean\.5\s+system_prompt .* ran: input changed: clean\.4/);
    expect(changed.stdout).toMatch(/train\+val\+test\s+split .* ran: input changed: clean/);
    expect(changed.stdout).toMatch(/clean\.3\s+dedupe_exact .* cache hit/);
    fs.writeFileSync(path.join(ws.root, 'pipelines/clean-support.ftp'), PIPELINE);
  });

  it('runs lists the runs, show details one, and both have --json', async () => {
    const list = await cli('runs');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/│ run\s+│ pipeline\s+│ status/);
    const runs = JSON.parse((await cli('runs', '--json')).stdout) as { run_id: string; status: string; cache_hits: number }[];
    expect(runs).toHaveLength(3);
    expect(runs[1]).toMatchObject({ status: 'succeeded', cache_hits: 7 });
    const show = await cli('show', runs[2].run_id);
    expect(show.stdout).toMatch(/^run \S+ — pipeline clean_support \(pipelines\/clean-support\.ftp\)/);
    expect(show.stdout).toMatch(/redactions=\{"order_id":\d+,"email":\d+,"credit_card":0,"ip":0,"phone":\d+\}/);
    expect(show.stdout).toContain('--- clean-support.ftp (as run)\n# Data only');
    expect(JSON.parse((await cli('show', runs[2].run_id, '--json')).stdout).source).toBe(PIPELINE);
    expect((await cli('show', 'nope')).code).toBe(1);
  });

  it('run refuses a pipeline with check errors and prints the diagnostics; a failing stage exits 1 with its place', async () => {
    fs.writeFileSync(path.join(ws.root, 'pipelines/bad.ftp'), PIPELINE.replace('dedupe exact on user_text', 'dedupe exact on user_txt'));
    const bad = await cli('run', 'pipelines/bad.ftp');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/pipelines\/bad\.ftp:\d+:\d+ error\[E021\]: unknown column 'user_txt'/);
    expect(bad.stdout).toContain('the pipeline was not run');
    fs.writeFileSync(path.join(ws.root, 'pipelines/fails.ftp'), PIPELINE.replace('dedupe exact on user_text', 'filter sql "CAST(user_text AS INTEGER) > 0"'));
    const fails = await cli('run', 'pipelines/fails.ftp');
    expect(fails.code).toBe(1);
    expect(fails.stdout).toMatch(/pipelines\/fails\.ftp:11:3 error\[R100\]: stage clean\.3 \(filter\) failed: Conversion Error/);
    expect(fails.stdout).toMatch(/· train\+val\+test\s+split\s+skipped/);
  });

  it('sql sees runs, stages, events and metrics (empty until a run has metrics)', async () => {
    const q = async (sql: string) => JSON.parse((await cli('sql', sql, '--json')).stdout) as Record<string, unknown>[];
    expect(await q('select status, count(*)::INTEGER as n from runs group by 1 order by 1')).toEqual([
      { status: 'failed', n: 1 },
      { status: 'succeeded', n: 3 }
    ]);
    expect(await q("select count(*)::INTEGER as n from stages where cache_hit and kind = 'split'")).toEqual([{ n: 1 }]);
    expect((await q("select count(*)::INTEGER as n from events where type = 'run_finished'"))[0].n).toBe(4);
    expect(await q('select count(*)::INTEGER as n from metrics')).toEqual([{ n: 0 }]);
    const runId = fs.readdirSync(ws.runsDir).sort()[0];
    fs.writeFileSync(path.join(ws.runsDir, runId, 'metrics.jsonl'), '{"step":1,"train_loss":2.5}\n{"step":2,"train_loss":2.25,"valid_loss":2.4}\n{"step":3,"train_lo');
    expect(await q('select run_id, step, train_loss from metrics order by step')).toEqual([
      { run_id: runId, step: 1, train_loss: 2.5 },
      { run_id: runId, step: 2, train_loss: 2.25 }
    ]);
    expect((await cli('runs')).stdout).toContain('valid_loss=2.4000');
  });
});

describeShared('Ctrl-C', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    ws = await tempWorkspace({ 'p.ftp': 'pipeline big\ndataset d from "big.jsonl" format openai\nstage s from d {\n  dedupe exact\n}\n' });
    execFileSync(process.execPath, [shared('datasets', 'make_scale.mjs'), '--in', shared('datasets', 'sgd_dev.chat.jsonl'), '--out', path.join(ws.root, 'big.jsonl'), '--rows', '20000', '--seed', '1'], { stdio: 'pipe' });
  });
  afterAll(() => ws.cleanup());

  it('cancels the run cleanly: the run is marked cancelled and the exit code is 130', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/tunebench.js'), 'run', 'p.ftp'], { cwd: ws.root, env: { ...process.env, TUNEBENCH_WORKSPACE: ws.root }, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // wait until the first stage is running, then press Ctrl-C
    for (let i = 0; i < 600; i++) {
      const id = fs.existsSync(ws.runsDir) ? fs.readdirSync(ws.runsDir)[0] : undefined;
      if (id && fs.existsSync(path.join(ws.runsDir, id, 'events.jsonl')) && fs.readFileSync(path.join(ws.runsDir, id, 'events.jsonl'), 'utf8').includes('stage_started')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited, out).toBe(130);
    expect(out).toContain('cancelling');
    const id = fs.readdirSync(ws.runsDir)[0];
    const status = JSON.parse(fs.readFileSync(path.join(ws.runsDir, id, 'status.json'), 'utf8')) as { status: string; stages: { state: string }[] };
    expect(status.status).toBe('cancelled');
    expect(status.stages.map((s) => s.state)).toEqual(['cancelled', 'skipped']);
    expect(fs.readdirSync(ws.stagesDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });
});
