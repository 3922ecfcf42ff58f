/**
 * The eval stage on the real tinystories-260k model, through real pipeline runs in temporary
 * workspaces: deterministic predictions, resuming after a cancel and after a killed process
 * (finished outputs reused, not regenerated), scores equal to the metric functions on the saved
 * predictions, eval.json and predictions.parquet, the SQL views, early stopping on ROUGE-L, and
 * comparing runs. Splits are tiny and outputs a few tokens long.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REPO_ROOT, shared } from '../support/shared.ts';
import { output, run, SAMPLE, stage, tempWorkspace } from '../runs/helpers.ts';
import { queryRows, sqlString } from '../../src/engine/data/duckdb.ts';
import { rerun, runViews, startRun, type RunStatus } from '../../src/engine/runs/index.ts';
import { Sandbox } from '../../src/engine/data/sandbox.ts';
import type { Workspace } from '../../src/engine/workspace.ts';
import { classificationReport, corpusBleu, corpusChrf, corpusRouge, exactMatch, perplexity, meanTokenAccuracy, sentenceBleus, styleScores } from '../../src/engine/eval/index.ts';
import type { EvalFile } from '../../src/engine/eval/stage/eval-file.ts';
import { toStyleRule } from '../../src/engine/eval/stage/styles.ts';
import { compareModels, compareRuns } from '../../src/engine/eval/compare/index.ts';
import { generationMetricOnValidation } from '../../src/engine/eval/stage/early-stop.ts';
import { readConversations } from '../../src/engine/train/data.ts';
import { loadTrainedModel } from '../../src/engine/train/load-trained.ts';
import * as tf from '@tensorflow/tfjs-core';
import { runModelPass } from '../../src/engine/eval/stage/model-pass.ts';
import { readEvalExamples } from '../../src/engine/eval/stage/examples.ts';

const EVAL_BASE = `pipeline eval_base
dataset t from "datasets/support.jsonl" format openai
stage small from t { limit 10 }
eval check ["tinystories-260k"] on small {
  metrics bleu, chrf++, rougeL(stem), exact_match, intent_accuracy(against intent), intent_f1(against intent)
  style formal { lexicon ["thank you", "please"] min_tokens 3 require [r"(?i)^(hello|dear)"] }
  generate max_tokens 8 batch_size 4
  bootstrap 200
}
`;

const TRAINED = (lr: string, extra = '') => `pipeline tuned_cmp
dataset t from "datasets/support.jsonl" format openai
stage small from t { limit 40 }
split small into train 75%, test 25% seed 3
train tuned from train {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs 1 batch_size 8 learning_rate ${lr} max_length 128 max_steps 3
}
eval [base, tuned] on test {
  metrics bleu, rougeL
  generate max_tokens 8${extra}
  bootstrap 100
}
`;

type WS = Workspace & { cleanup(): void };
const spaces: WS[] = [];
const models = process.env.TUNEBENCH_MODELS;

async function workspace(): Promise<WS> {
  const ws = await tempWorkspace({ 'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') } });
  spaces.push(ws);
  return ws;
}

function evalOf(ws: Workspace, status: RunStatus, id = 'check'): { file: EvalFile; predictions: string } {
  const st = stage(status, id);
  expect(st.state, JSON.stringify(st.error)).toBe('succeeded');
  return { file: JSON.parse(fs.readFileSync(path.join(ws.root, st.outputs.main.path), 'utf8')) as EvalFile, predictions: path.join(ws.root, st.outputs.predictions.path) };
}

const predictionRows = (file: string) => queryRows<Record<string, unknown>>(`SELECT * FROM read_parquet(${sqlString(file)}) ORDER BY model_index, example_index`);

describeShared('the eval stage on tinystories-260k', () => {
  beforeAll(() => {
    process.env.TUNEBENCH_MODELS = shared('models');
  });
  afterAll(() => {
    if (models === undefined) delete process.env.TUNEBENCH_MODELS;
    else process.env.TUNEBENCH_MODELS = models;
    spaces.forEach((w) => w.cleanup());
  });

  let wsA: WS;
  let first: { file: EvalFile; predictions: string };

  it('generates deterministically: two fresh workspaces give identical predictions and scores', async () => {
    wsA = await workspace();
    const wsB = await workspace();
    const a = await run(wsA, EVAL_BASE);
    const b = await run(wsB, EVAL_BASE);
    first = evalOf(wsA, a.status);
    const second = evalOf(wsB, b.status);
    const ra = await predictionRows(first.predictions);
    const rb = await predictionRows(second.predictions);
    expect(ra).toHaveLength(10);
    expect(rb.map((r) => r.output)).toEqual(ra.map((r) => r.output));
    expect(second.file.models[0].scores).toEqual(first.file.models[0].scores);
    expect(new Set(ra.map((r) => r.output)).size).toBeGreaterThan(1); // real, varied generations
  }, 120_000);

  it('scores equal the metric functions applied to the saved predictions', async () => {
    const rows = await predictionRows(first.predictions);
    const hyps = rows.map((r) => String(r.output));
    const refs = rows.map((r) => [String(r.reference)]);
    const s = first.file.models[0].scores;
    expect(s.bleu.value).toBe(corpusBleu(hyps, refs).score);
    expect(rows.map((r) => r.score_bleu)).toEqual(sentenceBleus(hyps, refs).map((x) => x.score));
    expect(s['chrf++'].value).toBe(corpusChrf(hyps, refs, { wordOrder: 2 }).score);
    expect(s.rougeL.value).toBe(corpusRouge(hyps, refs, { types: ['rougeL'], useStemmer: true }).mean.rougeL!.fmeasure);
    expect(s.exact_match.value).toBe(exactMatch(hyps, refs).score);
    const tokens = rows.map((r) => ({ lossSum: Number(r.token_loss_sum), tokens: Number(r.target_tokens), correct: Number(r.token_correct) }));
    expect(s.perplexity.value).toBe(perplexity(tokens).perplexity);
    expect(s.token_accuracy.value).toBe(meanTokenAccuracy(tokens).accuracy);
    expect(s.perplexity.value!).toBeGreaterThan(1);
    const report = classificationReport(rows.map((r) => String(r.gold_intent)), rows.map((r) => (r.predicted_intent as string | null) ?? null));
    expect(s.intent_accuracy.value).toBe(report.accuracy);
    expect(s.intent_f1.value).toBe(report.macroF1);
    expect(rows.map((r) => r.gold_intent)).toEqual(rows.map((r) => JSON.parse(String(r.metadata)).intent));
    const style = styleScores(hyps, toStyleRule(first.file.styles[0].params));
    expect(s['style:formal'].value).toBe(style.summary.meanScore);
    expect(rows.map((r) => r.style_formal_ok)).toEqual(style.examples.map((e) => e.satisfied));
  });

  it('writes eval.json with settings, model identities, metric cards and bootstrap intervals', async () => {
    const e = first.file;
    expect(e.format).toBe('tunebench.eval');
    expect(e.version).toBe(1);
    expect(e.complete).toBe(true);
    expect(e.data).toMatchObject({ input: 'small', rows: 10, evaluated: 10, metadata_columns: ['intent', 'style'] });
    expect(e.generation).toMatchObject({ max_tokens: 8, temperature: 0, batch_size: 4, greedy: true });
    expect(e.backend).toMatchObject({ backend: expect.any(String) });
    expect(e.metrics.map((m) => m.key)).toEqual(['bleu', 'chrf++', 'rougeL', 'exact_match', 'intent_accuracy', 'intent_f1', 'perplexity', 'token_accuracy']);
    for (const m of e.metrics) expect(m.card.name, m.key).toBeTruthy();
    expect(e.metrics[0].card.signature).toMatch(/^nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:/);
    const model = e.models[0];
    expect(model).toMatchObject({ label: 'tinystories-260k', kind: 'base', examples: 10, generation: { outputs: 10, generated: 10, reused: 0 } });
    expect(model.identity).toMatch(/^model:[0-9a-f]{64}$/);
    expect(Object.keys(model.scores).sort()).toEqual([...e.metrics.map((m) => m.key), 'style:formal', 'style_consistency:formal'].sort());
    for (const k of ['bleu', 'rougeL', 'perplexity', 'style:formal']) {
      const ci = model.scores[k].ci!;
      expect(ci, k).toMatchObject({ resamples: 200, confidence: 0.95, seed: 42 });
      expect(ci.lower).toBeLessThanOrEqual(ci.upper);
    }
    expect(model.classification.intent.labels).toContain('billing');
    // predictions.parquet has exactly the columns eval.json lists, readable with SQL
    const cols = await queryRows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(first.predictions)})`);
    expect(cols.map((c) => c.column_name)).toEqual(e.predictions.columns.map((c) => c.name));
    const [agg] = await queryRows<{ n: number; m: number }>(`SELECT count(*)::INTEGER AS n, avg(score_exact_match) AS m FROM read_parquet(${sqlString(first.predictions)})`);
    expect(agg).toEqual({ n: 10, m: e.models[0].scores.exact_match.value });
    // the run's own eval folder has the files and the generation log
    const dir = path.join(wsA.runsDir, fs.readdirSync(wsA.runsDir)[0], 'eval', 'check');
    expect(fs.readdirSync(dir).sort()).toEqual(['eval.json', 'generation-keys.json', 'generation.jsonl', 'predictions.parquet']);
  });

  it('leaves no tensor behind after a model pass (generation + teacher forcing)', async () => {
    const st = JSON.parse(fs.readFileSync(path.join(wsA.runsDir, fs.readdirSync(wsA.runsDir)[0], 'status.json'), 'utf8')) as RunStatus;
    const { examples } = await readEvalExamples(output(wsA, st, 'small.1'), 6);
    const model = { label: 'base', source: { kind: 'base' as const, name: 'tinystories-260k' }, dir: shared('models', 'tinystories-260k'), identity: 'x', output: 'base' };
    const pass = () => runModelPass({ model, key: 'k', examples, generation: { max_tokens: 4, temperature: 0, top_p: 1, top_k: 0, seed: 1, stop: [], batch_size: 4 }, finished: new Map(), append: () => {}, deadline: null, signal: new AbortController().signal, onBatch: () => {} });
    await pass();
    const before = tf.memory().numTensors;
    const r = await pass();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.outputs.size).toBe(6);
    expect([...r.tokenStats.values()].every((t) => t.tokens > 0 && t.lossSum > 0)).toBe(true);
  }, 60_000);

  it('resumes after a cancel: finished outputs are reused, not regenerated, and equal a fresh run', async () => {
    const ws = await workspace();
    const controller = new AbortController();
    const started = await startRun(ws, { source: EVAL_BASE, file: 'pipelines/t.ftp' }, { origin: 'test', signal: controller.signal, onEvent: (e) => e.type === 'eval_progress' && controller.abort(new Error('test cancels')) });
    const cancelled = await started.done;
    expect(cancelled.status).toBe('cancelled');
    const log = path.join(ws.runsDir, started.runId, 'eval', 'check', 'generation.jsonl');
    const done = fs.readFileSync(log, 'utf8').trim().split('\n').length;
    expect(done).toBe(4); // one batch of 4 finished before the cancel
    // A time budget that is already spent scores what is done: the 4 adopted outputs.
    const budget = await run(ws, EVAL_BASE.replace('bootstrap 200', 'bootstrap 200 time_budget 1ms'));
    const partial = evalOf(ws, budget.status);
    expect(partial.file).toMatchObject({ complete: false, stopped_by: 'time_budget', data: { evaluated: 4 } });
    expect(partial.file.models[0].generation).toMatchObject({ reused: 4, generated: 0 });
    expect(stage(budget.status, 'check').cache?.key).toBeNull(); // a time budget is never cached
    const again = await rerun(ws, started.runId, { origin: 'test' });
    const e = evalOf(ws, await again.done);
    expect(e.file.models[0].generation).toMatchObject({ reused: 4, generated: 6, outputs: 10 });
    expect((await predictionRows(e.predictions)).map((r) => r.output)).toEqual((await predictionRows(first.predictions)).map((r) => r.output));
  }, 120_000);

  it('resumes after the process is killed mid-eval', async () => {
    const ws = await workspace();
    const source = EVAL_BASE.replace('limit 10', 'limit 40').replace('max_tokens 8 batch_size 4', 'max_tokens 24 batch_size 2');
    fs.mkdirSync(path.join(ws.root, 'pipelines'), { recursive: true });
    fs.writeFileSync(path.join(ws.root, 'pipelines', 'big.ftp'), source);
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tunebench.js'), 'run', 'pipelines/big.ftp'], { cwd: ws.root, env: { ...process.env, TUNEBENCH_MODELS: shared('models') }, stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    let log = '';
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const runs = fs.existsSync(ws.runsDir) ? fs.readdirSync(ws.runsDir) : [];
      log = runs.length ? path.join(ws.runsDir, runs[0], 'eval', 'check', 'generation.jsonl') : '';
      if (log && fs.existsSync(log) && fs.readFileSync(log, 'utf8').split('\n').length > 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.endsWith('}'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThan(40);
    const runId = path.basename(path.dirname(path.dirname(path.dirname(log))));
    const again = await rerun(ws, runId, { origin: 'test' });
    const e = evalOf(ws, await again.done);
    expect(e.file.models[0].generation).toMatchObject({ reused: lines.length, generated: 40 - lines.length, outputs: 40 });
  }, 150_000);

  it('gives the trainer ROUGE-L of generated answers on the validation data for early stopping', async () => {
    const ws = await workspace();
    const r = await run(
      ws,
      `pipeline es
dataset t from "datasets/support.jsonl" format openai
stage small from t { limit 40 }
split small into train 80%, val 20% seed 5
train tuned from train validate val {
  base "tinystories-260k"
  method lora rank 4 alpha 8
  epochs 2 batch_size 8 learning_rate 1e-2 max_length 128
  early_stop patience 1 on rougeL
}
`
    );
    const st = stage(r.status, 'tuned');
    expect(st.state, JSON.stringify(st.error)).toBe('succeeded');
    const summary = st.summary as { early_stop: { metric: string; note: string | null }; best: { metric: string; value: number; checkpoint: string } };
    expect(summary.early_stop).toMatchObject({ metric: 'rougeL', note: null });
    expect(summary.best.metric).toBe('rougeL');
    // The watched value is what the evaluator computes for the best checkpoint on the validation part.
    const validation = await readConversations(output(ws, r.status, 'train+val', 'val'));
    const lm = loadTrainedModel(path.join(ws.root, st.outputs.best.path), { merge: false });
    try {
      const plan = JSON.parse(fs.readFileSync(path.join(ws.runsDir, r.runId, 'plan.json'), 'utf8')) as { stages: { id: string; params: { early_stop: unknown } }[] };
      const params = plan.stages.find((s) => s.id === 'tuned')!.params.early_stop as Parameters<typeof generationMetricOnValidation>[0]['params'];
      expect(params.generation).toMatchObject({ max_tokens: 128, temperature: 0 });
      const value = await generationMetricOnValidation({ model: lm.model, tokenizer: lm.tokenizer!, chat: lm.chat!, generation: lm.generation, validation, params }, 'rougeL');
      expect(value).toBe(summary.best.value);
    } finally {
      lm.dispose();
    }
  }, 120_000);

  let tunedA: string;
  let tunedB: string;
  let wsT: WS;

  it('compares two real runs: differing hyperparameters, paired tests, top disagreements', async () => {
    wsT = await workspace();
    const a = await run(wsT, TRAINED('1e-3'));
    const b = await run(wsT, TRAINED('2e-2'));
    tunedA = a.runId;
    tunedB = b.runId;
    const eb = evalOf(wsT, b.status, 'eval');
    expect(eb.file.models[0].generation.reused).toBe(10); // the base model's outputs came from run A's log
    const r = await compareRuns(wsT, [tunedA, tunedB], { top: 3 });
    expect(r.kind).toBe('runs');
    expect(r.sides.map((s) => [s.run_id, s.model])).toEqual([
      [tunedA, 'tuned'],
      [tunedB, 'tuned']
    ]);
    expect(r.params).toEqual([{ path: 'tuned.learning_rate.value', values: [0.001, 0.02] }]);
    expect(r.examples).toEqual({ compared: 10, per_side: [10, 10], note: null });
    expect(r.metrics.map((m) => m.metric)).toEqual(['bleu', 'rougeL', 'perplexity', 'token_accuracy']);
    const ppl = r.metrics.find((m) => m.metric === 'perplexity')!;
    expect(ppl.values).toEqual(ppl.reported);
    expect(ppl.higher_is_better).toBe(false);
    const t = ppl.tests[1]!;
    expect(ppl.tests[0]).toBeNull();
    expect(t.delta).toBeCloseTo(ppl.values[1]! - ppl.values[0]!, 12);
    expect(t.p_value).toBeGreaterThan(0);
    expect(t.p_value).toBeLessThanOrEqual(1);
    expect(t.significant).toBe(t.p_value < 0.05);
    expect(t.better).toBe(t.delta < 0);
    // disagreements: ranked by sentence ROUGE-L spread, with both outputs
    const d = r.disagreements;
    expect(d.by).toBe('rougeL');
    expect(d.examples.length).toBeGreaterThan(0);
    expect(d.examples.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < d.examples.length; i++) expect(d.examples[i - 1].spread).toBeGreaterThanOrEqual(d.examples[i].spread);
    for (const x of d.examples) {
      expect(x.outputs).toHaveLength(2);
      const scores = x.outputs.map((o) => corpusRouge([o], [[x.reference]], { types: ['rougeL'] }).mean.rougeL!.fmeasure);
      expect(x.scores).toEqual(scores);
      expect(x.spread).toBeCloseTo(Math.abs(scores[0] - scores[1]), 12);
    }
  }, 180_000);

  it('compares the models of one run (base against tuned) the same way', async () => {
    const r = await compareModels(wsT, tunedB);
    expect(r.kind).toBe('models');
    expect(r.sides.map((s) => s.name)).toEqual(['base', 'tuned']);
    expect(r.params[0]).toEqual({ path: 'model', values: ['tinystories-260k', 'train stage tuned'] });
    expect(r.params.find((p) => p.path === 'train.learning_rate.value')?.values).toEqual([null, 0.02]);
    expect(r.metrics.every((m) => m.tests[1] !== null && m.values.every((v) => v !== null))).toBe(true);
  });

  it('compares runs that evaluated different examples on the ones they share', async () => {
    const c = await run(wsT, TRAINED('1e-3', ' max_examples 5'));
    const r = await compareRuns(wsT, [tunedA, `${c.runId}:base`]);
    expect(r.examples.compared).toBe(5);
    expect(r.examples.per_side).toEqual([10, 5]);
    expect(r.examples.note).toMatch(/different examples.*5 they share/);
    expect(r.params).toEqual([{ path: 'eval.max_examples', values: [null, 5] }]);
    // values are recomputed on the shared examples, reported ones are each eval's own
    const bleu = r.metrics.find((m) => m.metric === 'bleu')!;
    expect(bleu.reported[0]).not.toBeNull();
    expect(bleu.values[1]).toBe(bleu.reported[1]);
  }, 120_000);

  it('makes evals queryable with SQL (eval_metrics, eval_predictions)', async () => {
    const sandbox = await Sandbox.open(wsT, { extraViews: await runViews(wsT) });
    try {
      const count = await sandbox.query(`select run_id, model, count(*) as n from eval_predictions where run_id = '${tunedA}' group by all order by model`);
      expect(count.rows).toEqual([
        [tunedA, 'base', 10],
        [tunedA, 'tuned', 10]
      ]);
      const m = await sandbox.query(`select value, ci_lower <= ci_upper, higher_is_better, metric_name from eval_metrics where run_id = '${tunedB}' and model = 'tuned' and metric = 'perplexity'`);
      const status = JSON.parse(fs.readFileSync(path.join(wsT.runsDir, tunedB, 'status.json'), 'utf8')) as RunStatus;
      const e = evalOf(wsT, status, 'eval').file;
      expect(m.rows).toEqual([[e.models[1].scores.perplexity.value, true, false, 'perplexity']]);
    } finally {
      sandbox.close();
    }
    const empty = await workspace();
    const sb = await Sandbox.open(empty, { extraViews: await runViews(empty) });
    try {
      expect((await sb.query('select count(*) from eval_metrics')).rows).toEqual([[0]]);
      expect((await sb.query('select count(*) from eval_predictions')).rows).toEqual([[0]]);
    } finally {
      sb.close();
    }
  }, 60_000);
});
