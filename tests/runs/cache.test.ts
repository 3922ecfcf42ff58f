/**
 * The stage cache: one exact key pinned; a hit never calls the stage's executor (counted through
 * the real registry); a damaged entry is a miss with a warning; changing a parameter or an input
 * re-runs exactly that stage and what depends on it, each saying why; a stage that declares
 * itself uncacheable always runs, and so does everything downstream of it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyDocument, readEvents, registerStageExecutor, runPaths, stageExecutor, stageKey, canonicalJson, type StageContext, type StageExecutor } from '../../src/engine/runs/index.ts';
import type { PlanStage, StageKind } from '../../dsl/plan.ts';
import { output, run, SAMPLE, stage, tempWorkspace } from './helpers.ts';

const PIPELINE = (seed = 3, minTurns = 1) => `pipeline cache_test

dataset tickets from "datasets/support.jsonl" format openai

stage clean from tickets {
  filter turns >= ${minTurns}
  dedupe exact on user_text
  sample 50 seed ${seed}
}
`;

const calls: Record<string, number> = {};
const restore: (() => void)[] = [];

/** Wraps the registered executor of `kind` so that every run() call is counted. */
function countCalls(kind: StageKind): void {
  const real = stageExecutor(kind)! as StageExecutor<PlanStage>;
  calls[kind] = 0;
  restore.push(
    registerStageExecutor(kind, {
      ...real,
      run: (ctx: StageContext<PlanStage>) => {
        calls[kind]++;
        return real.run(ctx);
      }
    } as never)
  );
}

describe('the stage cache key', () => {
  it('is sha256 over the canonical JSON of kind, parameters, input keys and engine version (pinned)', () => {
    const material = {
      kind: 'filter' as const,
      params: { where: '"turns" >= 2', sql_escape: false, columns: ['turns'] },
      inputs: [{ name: 'tickets', role: 'data', key: '0'.repeat(63) + '1', part: null }],
      engineVersion: '0.1.0'
    };
    const document = '{"cache":1,"engine":"0.1.0","inputs":[{"key":"0000000000000000000000000000000000000000000000000000000000000001","part":null,"role":"data"}],"kind":"filter","params":{"columns":["turns"],"sql_escape":false,"where":"\\"turns\\" >= 2"}}';
    expect(canonicalJson(keyDocument(material))).toBe(document);
    expect(stageKey(material)).toBe(createHash('sha256').update(document).digest('hex'));
    expect(stageKey(material)).toBe('1854bc9396f4269c2d6c1306712f7cb6f46cef387ce92f57d1c728d59c60db50');
    // names are not part of the key; roles, parts and the engine version are
    expect(stageKey({ ...material, inputs: [{ ...material.inputs[0], name: 'renamed' }] })).toBe(stageKey(material));
    expect(stageKey({ ...material, engineVersion: '0.1.1' })).not.toBe(stageKey(material));
    expect(stageKey({ ...material, inputs: [{ ...material.inputs[0], part: 'train' }] })).not.toBe(stageKey(material));
  });
});

describe('runs and the stage cache', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    ws = await tempWorkspace({ 'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') } });
    for (const k of ['source', 'filter', 'dedupe_exact', 'sample'] as const) countCalls(k);
  });
  afterAll(() => {
    while (restore.length) restore.pop()!();
    ws.cleanup();
  });

  it('runs every stage the first time, and a second run executes none of them', async () => {
    const first = await run(ws, PIPELINE());
    expect(first.status.status).toBe('succeeded');
    expect(calls).toEqual({ source: 1, filter: 1, dedupe_exact: 1, sample: 1 });
    expect(first.status.stages.map((s) => s.cache?.reason)).toEqual(['no cached output', 'no cached output', 'no cached output', 'no cached output']);
    const second = await run(ws, PIPELINE());
    expect(calls).toEqual({ source: 1, filter: 1, dedupe_exact: 1, sample: 1 });
    expect(second.status.stages.every((s) => s.cache?.hit && s.state === 'succeeded')).toBe(true);
    // the reused outputs are the same files with the same rows
    expect(output(ws, second.status, 'clean.3')).toBe(output(ws, first.status, 'clean.3'));
    expect(stage(second.status, 'clean.3').rows_out).toBe(50);
  });

  it('re-runs exactly the changed stage and its dependants, saying why', async () => {
    const r = await run(ws, PIPELINE(4));
    expect(calls).toEqual({ source: 1, filter: 1, dedupe_exact: 1, sample: 2 });
    expect(r.status.stages.map((s) => [s.id, s.cache?.hit, s.cache?.reason])).toEqual([
      ['tickets', true, 'cached output reused'],
      ['clean.1', true, 'cached output reused'],
      ['clean.2', true, 'cached output reused'],
      ['clean.3', false, 'parameters changed']
    ]);
    const upstream = await run(ws, PIPELINE(4, 2));
    expect(calls).toEqual({ source: 1, filter: 2, dedupe_exact: 2, sample: 3 });
    expect(upstream.status.stages.map((s) => s.cache?.reason)).toEqual(['cached output reused', 'parameters changed', 'input changed: clean.1', 'input changed: clean.2']);
  });

  it('re-runs everything when the source file changes, naming the file', async () => {
    const file = path.join(ws.root, 'datasets/support.jsonl');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    fs.writeFileSync(file, lines.slice(1).join('\n') + '\n');
    const r = await run(ws, PIPELINE(4, 2));
    expect(calls).toEqual({ source: 2, filter: 3, dedupe_exact: 3, sample: 4 });
    expect(r.status.stages.map((s) => s.cache?.reason)).toEqual(['input changed: datasets/support.jsonl', 'input changed: tickets', 'input changed: clean.1', 'input changed: clean.2']);
    expect(stage(r.status, 'tickets').rows_out).toBe(lines.length - 1);
  });

  it('treats a damaged entry as a miss with a warning, and never crashes', async () => {
    const before = await run(ws, PIPELINE(4, 2));
    const dedupe = stage(before.status, 'clean.2');
    const parquet = output(ws, before.status, 'clean.2');
    fs.truncateSync(parquet, 100);
    const metaOfSample = path.join(ws.stagesDir, stage(before.status, 'clean.3').cache!.key!, 'meta.json');
    fs.writeFileSync(metaOfSample, '{ not json');
    const r = await run(ws, PIPELINE(4, 2));
    expect(r.status.status).toBe('succeeded');
    expect(calls.dedupe_exact).toBe(4);
    expect(calls.sample).toBe(5);
    expect(stage(r.status, 'clean.2').cache?.reason).toMatch(/^cached output unreadable \(main\.parquet has 100 bytes, expected \d+\); recomputing$/);
    expect(stage(r.status, 'clean.3').cache?.reason).toMatch(/^cached output unreadable \(meta\.json is not valid JSON/);
    expect(stage(r.status, 'clean.2').rows_out).toBe(dedupe.rows_out);
    const warnings = (await readEvents(runPaths(ws, r.runId).events)).events.filter((e) => e.event.type === 'cache_warning');
    expect(warnings.map((w) => w.event.stage)).toEqual(['clean.2', 'clean.3']);
    // the entries were rewritten: a third run hits again
    const again = await run(ws, PIPELINE(4, 2));
    expect(again.status.stages.every((s) => s.cache?.hit)).toBe(true);
  });

  it('always runs a stage that says it cannot be cached, and everything after it', async () => {
    const real = stageExecutor('dedupe_exact')!;
    const undo = registerStageExecutor('dedupe_exact', { ...real, cacheable: () => 'reads the clock (test)' });
    try {
      const before = calls.sample;
      const a = await run(ws, PIPELINE(4, 2));
      const b = await run(ws, PIPELINE(4, 2));
      expect(stage(b.status, 'clean.2').cache).toMatchObject({ key: null, hit: false, reason: 'not cacheable: reads the clock (test)' });
      expect(stage(b.status, 'clean.3').cache).toMatchObject({ key: null, hit: false, reason: 'not cacheable: input clean.2 is not cacheable' });
      expect(calls.sample).toBe(before + 2);
      expect(stage(a.status, 'clean.2').outputs.main.path).toMatch(/^\.tunebench\/runs\/[^/]+\/stages\/clean\.2\/main\.parquet$/);
      expect(stage(b.status, 'clean.1').cache?.hit).toBe(true);
    } finally {
      undo();
    }
  });
});
