/**
 * Checks a train statement and reads its block into TrainParams: the base (a model from Facts
 * or an earlier train stage), the method and its LoRA options, hyperparameters, warmup and
 * early stopping. Options that only make sense together are checked together here.
 */
import type * as A from './ast.ts';
import type { CheckContext } from './check-context.ts';
import { describeValue, get, readSettings, type ReadOption, type ReadSettings } from './options.ts';
import { diag } from './diagnostics.ts';
import { METRICS, TRAINING_METRICS, earlyStopMetricNames } from './metrics.ts';
import { GENERATION_DEFAULTS, TRAIN_OPTIONS } from './option-tables.ts';
import type * as P from './plan.ts';
import { closest } from './suggest.ts';
import type { CheckedTrain } from './typed.ts';

export const LLAMA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
export const GPT2_TARGETS = ['c_attn', 'c_proj', 'c_fc'];

/** Reads `@best`, `@last`, `@epoch N`, `@step N` (null after reporting a bad one). */
export function readCheckpoint(sel: A.Selector | null, cx: CheckContext): P.Checkpoint | null {
  if (!sel) return 'final';
  const word = sel.name?.name ?? null;
  const n = sel.number;
  if ((word === 'best' || word === 'last' || word === 'final') && !n) return word;
  if ((word === 'epoch' || word === 'step') && n && n.integer && n.value >= 1) return word === 'epoch' ? { epoch: n.value } : { step: n.value };
  const text = `@${word ?? ''}${word && n ? ' ' : ''}${n ? n.text : ''}`;
  cx.diags.push(diag('E056', sel.span, { selector: text }));
  return null;
}

/** Looks a base model up in Facts; reports E050 for an unknown one. */
export function checkModelName(name: string, span: A.Span, cx: CheckContext): { name: string; arch: string | null } | null {
  const models = cx.models();
  if (!models) return { name, arch: null };
  const m = models.find((x) => x.name === name);
  if (m) return { name, arch: m.arch };
  const names = models.map((x) => x.name);
  cx.diags.push(diag('E050', span, { model: name, suggestion: closest(name, names), models: names }));
  return null;
}

function readBase(read: ReadOption<A.Value[]> | undefined, stmt: A.TrainStmt, cx: CheckContext): P.TrainBase | null {
  if (!read) {
    cx.diags.push(diag('E034', stmt.name.span.end > stmt.name.span.start ? stmt.name.span : stmt.head, { option: 'base', context: `train ${stmt.name.name}`, example: 'base "tinystories-260k"' }));
    return null;
  }
  const [v, extra] = read.value;
  if (extra) {
    cx.diags.push(diag('E043', extra.span, { option: 'base', count: 1 }));
    return null;
  }
  if (v.kind === 'String') {
    const m = checkModelName(v.value, v.span, cx);
    return m ? { kind: 'model', name: m.name, arch: m.arch } : null;
  }
  if (v.kind !== 'Word') {
    cx.diags.push(diag('E032', v.span, { option: 'base', expected: 'a model name in quotes or a train stage', found: describeValue(v) }));
    return null;
  }
  const def = cx.resolve(v.name, ['train'], 'train stage');
  if (!def) return null;
  const checkpoint = readCheckpoint(v.selector, cx);
  const root = cx.roots.get(def.name) ?? null;
  if (!checkpoint || !root) return null;
  return { kind: 'train', stage: def.name, checkpoint, root };
}

function readTargets(read: ReadOption<{ value: string; span: A.Span }[]> | undefined, arch: string | null, cx: CheckContext): string[] {
  const gpt2 = arch === 'gpt2';
  const valid = arch === null ? [...LLAMA_TARGETS, ...GPT2_TARGETS] : gpt2 ? GPT2_TARGETS : LLAMA_TARGETS;
  if (!read) return gpt2 ? ['c_attn'] : ['q_proj', 'v_proj'];
  const out: string[] = [];
  for (const t of read.value) {
    if (!valid.includes(t.value)) cx.diags.push(diag('E051', t.span, { target: t.value, arch: arch ?? 'Llama or GPT-2', valid }, { help: closest(t.value, valid) ? [`did you mean '${closest(t.value, valid)}'?`] : [] }));
    else if (!out.includes(t.value)) out.push(t.value);
  }
  return out;
}

function readWarmup(read: ReadOption<A.Value[]> | undefined, cx: CheckContext): P.TrainParams['warmup'] {
  const none = { unit: 'steps' as const, value: 0 };
  if (!read) return none;
  const [v, unit, extra] = read.value;
  const expected = 'a number of steps (warmup 100 steps) or a percentage (warmup 3%)';
  if (!v || extra || (unit && !(unit.kind === 'Word' && unit.name.name === 'steps' && v.kind === 'Number'))) {
    const at = extra ?? unit ?? v;
    cx.diags.push(diag('E032', at ? at.span : read.setting.key.span, { option: 'warmup', expected, found: describeValue(at) }));
    return none;
  }
  if (v.kind === 'Percent') {
    if (v.value >= 100 || v.value < 0) cx.diags.push(diag('E033', v.span, { option: 'warmup', value: `${v.value}%`, range: 'must be ≥ 0% and < 100%' }));
    return { unit: 'ratio', value: v.value / 100 };
  }
  if (v.kind === 'Number' && v.integer && v.value >= 0) return { unit: 'steps', value: v.value };
  cx.diags.push(diag('E032', v.span, { option: 'warmup', expected, found: describeValue(v) }));
  return none;
}

/** `N` or `N steps`, a positive integer; for eval_every. */
function readSteps(read: ReadOption<A.Value[]> | undefined, option: string, cx: CheckContext): number | null {
  if (!read) return null;
  const [v, unit, extra] = read.value;
  const ok = v && v.kind === 'Number' && v.integer && v.value >= 1 && !extra && (!unit || (unit.kind === 'Word' && unit.name.name === 'steps'));
  if (ok) return v.value;
  const at = extra ?? (unit && !(unit.kind === 'Word' && unit.name.name === 'steps') ? unit : v);
  cx.diags.push(diag('E032', at ? at.span : read.setting.key.span, { option, expected: 'a positive number of steps (eval_every 50 steps)', found: describeValue(at) }));
  return null;
}

function readGradClip(read: ReadOption<A.Value[]> | undefined, cx: CheckContext): number | null {
  if (!read) return TRAIN_OPTIONS.grad_clip.default;
  const [v, extra] = read.value;
  if (v && !extra && v.kind === 'Word' && v.name.name === 'none') return null;
  if (v && !extra && v.kind === 'Number' && v.value > 0) return v.value;
  if (v && !extra && v.kind === 'Number') {
    cx.diags.push(diag('E033', v.span, { option: 'grad_clip', value: v.text, range: 'must be > 0 (or none)' }));
    return null;
  }
  const at = extra ?? v;
  cx.diags.push(diag('E032', at ? at.span : read.setting.key.span, { option: 'grad_clip', expected: 'a number > 0 or none', found: describeValue(at) }));
  return null;
}

function readEarlyStop(r: ReadSettings<typeof TRAIN_OPTIONS>, stmt: A.TrainStmt, cx: CheckContext): P.EarlyStop | null {
  const given = r.early_stop?.[0] ?? r.patience?.[0] ?? r.on?.[0] ?? r.min_delta?.[0];
  if (!given) return null;
  const on = r.on?.[0]?.value;
  const metric = on?.value ?? TRAIN_OPTIONS.on.default;
  const names = earlyStopMetricNames();
  if (on && !names.includes(metric)) {
    cx.diags.push(diag('E053', on.span, { metric, suggestion: closest(metric, names), metrics: names }, { help: METRICS[metric] ? [`${metric} is not computed from generations on the validation data`] : [] }));
    return null;
  }
  if (!stmt.validation) {
    cx.diags.push(diag('E052', given.setting.key.span, { metric }));
    return null;
  }
  const training = TRAINING_METRICS[metric];
  return {
    metric,
    direction: training ? training.direction : METRICS[metric].direction,
    patience: get(r.patience, TRAIN_OPTIONS.patience.default),
    min_delta: get(r.min_delta, TRAIN_OPTIONS.min_delta.default),
    generation: training ? null : { ...GENERATION_DEFAULTS, stop: [] }
  };
}

export function checkTrain(stmt: A.TrainStmt, cx: CheckContext): CheckedTrain | null {
  const r = readSettings(stmt.block.settings, TRAIN_OPTIONS, 'train', cx.diags);
  const base = readBase(r.base?.[0], stmt, cx);
  const root = base ? (base.kind === 'model' ? { name: base.name, arch: base.arch } : base.root) : null;
  cx.roots.set(stmt.name.name, root);

  const methodKind = get(r.method, TRAIN_OPTIONS.method.default);
  if (methodKind === 'full') {
    for (const k of ['rank', 'alpha', 'dropout', 'targets', 'quantize'] as const) {
      const s = r[k]?.[0];
      if (s) cx.diags.push(diag('E036', s.setting.key.span, { a: k, b: 'method full', reason: `${k} applies to method lora only` }));
    }
  }
  const method: P.TrainMethod =
    methodKind === 'full'
      ? { kind: 'full' }
      : {
          kind: 'lora',
          rank: get(r.rank, TRAIN_OPTIONS.rank.default),
          alpha: get(r.alpha, TRAIN_OPTIONS.alpha.default),
          dropout: get(r.dropout, TRAIN_OPTIONS.dropout.default),
          targets: readTargets(r.targets?.[0], root?.arch ?? null, cx),
          base_precision: get(r.quantize, TRAIN_OPTIONS.quantize.default) === 'int8' ? 'int8' : 'float32'
        };

  const lr = r.learning_rate?.[0];
  const mult = r.learning_rate_multiplier?.[0];
  if (lr && mult) cx.diags.push(diag('E036', mult.setting.key.span, { a: 'learning_rate_multiplier', b: 'learning_rate', reason: 'give one of the two' }));
  if (lr && lr.value > 1e-2) cx.diags.push(diag('W060', lr.setting.values[0].span, { value: String(lr.value) }));

  const early_stop = readEarlyStop(r, stmt, cx);
  const params: P.TrainParams = {
    base: base ?? { kind: 'model', name: '', arch: null },
    method,
    epochs: get(r.epochs, TRAIN_OPTIONS.epochs.default as 'auto'),
    batch_size: get(r.batch_size, TRAIN_OPTIONS.batch_size.default as 'auto'),
    learning_rate: lr ? { mode: 'fixed', value: lr.value } : { mode: 'multiplier', value: get(r.learning_rate_multiplier, 'auto') },
    max_length: get(r.max_length, TRAIN_OPTIONS.max_length.default),
    warmup: readWarmup(r.warmup?.[0], cx),
    schedule: get(r.schedule, TRAIN_OPTIONS.schedule.default),
    weight_decay: get(r.weight_decay, TRAIN_OPTIONS.weight_decay.default),
    grad_clip: readGradClip(r.grad_clip?.[0], cx),
    grad_accum: get(r.grad_accum, TRAIN_OPTIONS.grad_accum.default),
    seed: get(r.seed, TRAIN_OPTIONS.seed.default),
    eval_every: readSteps(r.eval_every?.[0], 'eval_every', cx),
    early_stop,
    keep_checkpoints: get(r.keep_checkpoints, TRAIN_OPTIONS.keep_checkpoints.default),
    batching: get(r.batching, TRAIN_OPTIONS.batching.default),
    max_steps: r.max_steps?.[0]?.value ?? null,
    time_budget_ms: r.time_budget?.[0]?.value ?? null
  };
  return { kind: 'train', name: stmt.name.name, span: stmt.span, data: stmt.data.name, validation: stmt.validation?.name ?? null, params };
}
