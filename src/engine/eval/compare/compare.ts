/**
 * Comparing evaluations: one model of each of several runs (`compareRuns`), or several models of
 * one run's eval (`compareModels`, e.g. base against tuned).
 *
 *   examples   matched by conversation_id (the k-th occurrence of an id with the k-th); when the
 *              sides evaluated different sets, everything is computed on the intersection and
 *              `examples.note` says so
 *   metrics    every metric key the sides share with the same definition (name + options, or
 *              the same style rule): its value on the compared examples, recomputed from the
 *              saved outputs with the metric module (so BLEU stays corpus BLEU), the value each
 *              eval reported, and a paired bootstrap test of each side against the baseline
 *              (same resampled examples for both; eval's pairedBootstrap)
 *   params     the hyperparameters that differ (params-diff.ts)
 *   examples where they differ most: the `by` metric per example on every side, largest
 *              max − min first
 */
import type { Workspace } from '../../workspace.ts';
import { pairedBootstrap } from '../index.ts';
import { canonicalJson } from '../../runs/canonical-json.ts';
import type { EvalFile } from '../stage/eval-file.ts';
import type { MetricSpec, StyleSpec } from '../stage/metric-specs.ts';
import { labelColumnNames } from '../stage/prediction-rows.ts';
import { aggregate, exampleValues, metricResamplable, styleValues, type ScoringRow } from '../stage/scoring.ts';
import { CompareError, loadEval, loadPredictions, type LoadedEval, type PredictionRecord } from './load.ts';
import { diffParams, modelParams, planParams } from './params-diff.ts';
import { COMPARE_FORMAT, COMPARE_VERSION, type CompareOptions, type CompareResult, type CompareSide, type DeltaTest, type Disagreement, type MetricComparison } from './types.ts';

interface Side {
  info: CompareSide;
  loaded: LoadedEval;
  rows: PredictionRecord[];
}

/** A side given as RUN_ID or RUN_ID:MODEL. */
export function parseSideRef(ref: string): { run: string; model: string | null } {
  const at = ref.indexOf(':');
  return at < 0 ? { run: ref, model: null } : { run: ref.slice(0, at), model: ref.slice(at + 1) || null };
}

function modelOf(e: EvalFile, label: string | null | undefined, run: string): EvalFile['models'][number] {
  if (!label) return e.models[e.models.length - 1];
  const m = e.models.find((x) => x.label === label);
  if (!m) throw new CompareError(`run ${run}, eval ${e.stage}: no model '${label}' (models: ${e.models.map((x) => x.label).join(', ')})`);
  return m;
}

async function side(loaded: LoadedEval, model: string, name: string): Promise<Side> {
  const m = modelOf(loaded.eval, model, loaded.run_id);
  return {
    info: { name, run_id: loaded.run_id, pipeline: loaded.pipeline, stage: loaded.stage, model: m.label, model_description: m.description, eval_json: loaded.evalPath, examples: m.examples },
    loaded,
    rows: await loadPredictions(loaded, m.label)
  };
}

/** Compares one model of each run (RUN or RUN:MODEL); the first is the baseline. */
export async function compareRuns(ws: Workspace, refs: string[], opts: CompareOptions = {}): Promise<CompareResult> {
  if (refs.length < 2) throw new CompareError('compare needs at least two runs (or one run to compare its models)');
  const sides: Side[] = [];
  for (const ref of refs) {
    const { run, model } = parseSideRef(ref);
    const loaded = await loadEval(ws, run, opts.stage);
    const label = modelOf(loaded.eval, model ?? opts.model, run).label;
    sides.push(await side(loaded, label, `${run}:${label}`));
  }
  const params = diffParams(sides.map((s) => planParams(s.loaded.plan)));
  return compareSides('runs', sides, params, opts);
}

/** Compares the models of one run's eval (default all, in eval order; the first is the baseline). */
export async function compareModels(ws: Workspace, runId: string, opts: CompareOptions & { models?: string[] } = {}): Promise<CompareResult> {
  const loaded = await loadEval(ws, runId, opts.stage);
  const labels = opts.models?.length ? opts.models : loaded.eval.models.map((m) => m.label);
  if (labels.length < 2) throw new CompareError(`eval ${loaded.stage} of run ${runId} has only one model (${labels.join(', ')}); compare it with another run instead`);
  const sides: Side[] = [];
  for (const l of labels) sides.push(await side(loaded, l, l));
  const params = diffParams(sides.map((s) => modelParams(loaded.plan, modelOf(loaded.eval, s.info.model, runId).source)));
  return compareSides('models', sides, params, opts);
}

/** Example keys: conversation_id#k for the k-th occurrence. */
function keyed(rows: PredictionRecord[]): Map<string, PredictionRecord> {
  const seen = new Map<string, number>();
  const out = new Map<string, PredictionRecord>();
  for (const r of rows) {
    const k = seen.get(r.conversation_id) ?? 0;
    seen.set(r.conversation_id, k + 1);
    out.set(`${r.conversation_id}#${k}`, r);
  }
  return out;
}

function scoringRow(r: PredictionRecord, labelCols: string[]): ScoringRow {
  const labels: ScoringRow['labels'] = {};
  for (const c of labelCols) {
    const n = labelColumnNames(c);
    labels[c] = { gold: (r[n.gold] as string | null) ?? null, predicted: (r[n.predicted] as string | null) ?? null };
  }
  const tokens = r.target_tokens === null || r.token_loss_sum === null ? null : { lossSum: Number(r.token_loss_sum), tokens: Number(r.target_tokens), correct: Number(r.token_correct ?? 0) };
  return { output: r.output, reference: r.reference, tokens, labels };
}

type Definition = { kind: 'metric'; spec: MetricSpec } | { kind: 'style'; style: StyleSpec; consistency: boolean };

function definitions(e: EvalFile): Map<string, Definition> {
  const out = new Map<string, Definition>();
  for (const spec of e.metrics) out.set(spec.key, { kind: 'metric', spec });
  for (const style of e.styles) {
    out.set(style.key, { kind: 'style', style, consistency: false });
    out.set(style.consistency_key, { kind: 'style', style, consistency: true });
  }
  return out;
}

const sameDefinition = (a: Definition, b: Definition) =>
  a.kind === 'metric' && b.kind === 'metric' ? a.spec.name === b.spec.name && canonicalJson(a.spec.options) === canonicalJson(b.spec.options) : a.kind === 'style' && b.kind === 'style' && canonicalJson(a.style.params) === canonicalJson(b.style.params);

function compareSides(kind: CompareResult['kind'], sides: Side[], params: CompareResult['params'], opts: CompareOptions): CompareResult {
  const base = sides[0].loaded.eval;
  const resamples = opts.resamples ?? (base.bootstrap.samples > 0 ? base.bootstrap.samples : 1000);
  const seed = opts.seed ?? base.bootstrap.seed;
  const alpha = opts.alpha ?? 0.05;

  // Examples in every side, in the baseline's order.
  const maps = sides.map((s) => keyed(s.rows));
  const common = [...maps[0].keys()].filter((k) => maps.every((m) => m.has(k)));
  const perSide = sides.map((s) => s.rows.length);
  const differ = perSide.some((n) => n !== common.length);
  const note = differ ? `the sides evaluated different examples (${sides.map((s, i) => `${s.info.name}: ${perSide[i]}`).join(', ')}); compared on the ${common.length} they share, matched by conversation_id` : null;
  if (!common.length) throw new CompareError(`the sides have no evaluated example in common (${sides.map((s, i) => `${s.info.name}: ${perSide[i]}`).join(', ')})`);
  const aligned = maps.map((m) => common.map((k) => m.get(k)!));

  const metrics: MetricComparison[] = [];
  const skipped: CompareResult['skipped'] = [];
  const defs = sides.map((s) => definitions(s.loaded.eval));
  const byKey = new Map<string, (number | null)[][]>();
  for (const [key, def] of defs[0]) {
    const others = defs.map((d) => d.get(key));
    if (others.some((d) => !d)) {
      skipped.push({ metric: key, reason: `not scored by ${sides.filter((_, i) => !others[i]).map((s) => s.info.name).join(', ')}` });
      continue;
    }
    if (others.some((d) => !sameDefinition(def, d!))) {
      skipped.push({ metric: key, reason: 'scored with different options on different sides' });
      continue;
    }
    const cols = def.kind === 'metric' && def.spec.source === 'classification' ? [String(def.spec.options.against)] : [];
    const rows = aligned.map((a) => a.map((r) => scoringRow(r, cols)));
    const res = rows.map((rs) => {
      if (def.kind === 'style') {
        const v = styleValues(def.style, rs);
        return { value: def.consistency ? v.summary.consistency : v.summary.meanScore, r: def.consistency ? v.consistency : v.score, ex: def.consistency ? v.ok.map((x) => (x ? 1 : 0)) : v.scores };
      }
      const ex = exampleValues(def.spec, rs);
      return { value: aggregate(def.spec, rs).value, r: metricResamplable(def.spec, rs, ex), ex };
    });
    if (res[0].ex) byKey.set(key, res.map((x) => x.ex ?? []));
    const card = def.kind === 'metric' ? def.spec.card : def.consistency ? def.style.consistency_card : def.style.card;
    const higher = card.higherIsBetter;
    const tests = res.map((x, i): DeltaTest | null => {
      if (i === 0 || x.value === null || res[0].value === null || !x.r || !res[0].r) return null;
      const t = pairedBootstrap(res[0].r, x.r, { resamples, seed });
      const delta = x.value - res[0].value;
      return { delta, relative: res[0].value !== 0 ? delta / Math.abs(res[0].value) : null, p_value: t.pValue, significant: t.pValue < alpha, better: delta === 0 ? null : higher ? delta > 0 : delta < 0, ci: { lower: t.systemCI.lower, upper: t.systemCI.upper } };
    });
    metrics.push({ metric: key, name: card.name, higher_is_better: higher, card, values: res.map((x) => x.value), reported: sides.map((s) => s.loaded.eval.models.find((m) => m.label === s.info.model)?.scores[key]?.value ?? null), tests });
  }

  const by = pickBy(opts.by ?? null, defs[0], byKey);
  const disagreements: Disagreement[] = [];
  if (by) {
    const values = byKey.get(by)!;
    const spread = common.map((_, j) => {
      const v = values.map((vs) => vs[j]).filter((x): x is number => x !== null && Number.isFinite(x));
      return v.length ? Math.max(...v) - Math.min(...v) : 0;
    });
    const order = common.map((_, j) => j).sort((a, b) => spread[b] - spread[a] || aligned[0][a].example_index - aligned[0][b].example_index);
    for (const j of order.slice(0, opts.top ?? 5)) {
      if (spread[j] <= 0 && disagreements.length) break;
      const first = aligned[0][j];
      disagreements.push({
        conversation_id: first.conversation_id,
        example_index: aligned.map((a) => a[j].example_index),
        prompt: first.prompt,
        reference: first.reference,
        metadata: first.metadata,
        outputs: aligned.map((a) => a[j].output),
        scores: values.map((vs) => vs[j] ?? null),
        spread: spread[j]
      });
    }
  }
  return {
    format: COMPARE_FORMAT,
    version: COMPARE_VERSION,
    kind,
    sides: sides.map((s) => s.info),
    params,
    examples: { compared: common.length, per_side: perSide, note },
    test: { method: 'paired bootstrap', resamples, seed, alpha },
    metrics,
    skipped,
    disagreements: { by, examples: disagreements }
  };
}

function pickBy(asked: string | null, defs: Map<string, Definition>, byKey: Map<string, unknown>): string | null {
  if (asked) {
    if (!byKey.has(asked)) throw new CompareError(`cannot rank examples by '${asked}': it is not a per-example metric all sides share (${[...byKey.keys()].join(', ') || 'none'})`);
    return asked;
  }
  const generation = [...defs].filter(([k, d]) => byKey.has(k) && d.kind === 'metric' && d.spec.source === 'generation').map(([k]) => k);
  return ['rougeL', 'rougeLsum', 'chrf++', 'chrf', 'bleu'].find((k) => generation.includes(k)) ?? generation[0] ?? [...byKey.keys()][0] ?? null;
}
