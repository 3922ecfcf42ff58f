/**
 * Which hyperparameters differ: every side is flattened to leaves `path → value` and the paths
 * whose values are not all equal are kept, in first-seen order. Lists are leaves (targets,
 * stop sequences, metrics), compared as JSON.
 *
 * runs:   the parameters of every stage of each run's Plan, keyed by stage id
 *         (tuned.learning_rate.value, eval.generation.max_tokens, clean.1.where, ...)
 * models: the model's source and, for a train stage's model, that stage's main hyperparameters
 *         (model, checkpoint, train.method.rank, train.learning_rate.value, ...); a base model
 *         has only `model` (every training setting would "differ" from it, so only the ones
 *         people tune are listed; compare runs for the full Plans)
 */
import type { EvalModelSource, Plan } from '../../../../dsl/plan.ts';
import { canonicalJson } from '../../runs/canonical-json.ts';
import type { ParamDiff } from './types.ts';

export function flatten(value: unknown, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else into.set(prefix, value);
  return into;
}

export function planParams(plan: Plan): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const s of plan.stages) flatten(s.params, s.id, out);
  return out;
}

const MODEL_PARAMS = /^train\.(base\.name|method\.(kind|rank|alpha|dropout|targets|base_precision)|epochs|batch_size|learning_rate\.value|max_length|schedule|warmup\.(unit|value)|max_steps|early_stop\.metric|seed)$/;

/** The parameters behind one model of an eval (its train stage's main hyperparameters, if any). */
export function modelParams(plan: Plan, source: EvalModelSource): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (source.kind === 'base') {
    out.set('model', source.name);
    return out;
  }
  out.set('model', `train stage ${source.stage}`);
  out.set('checkpoint', source.checkpoint);
  const st = plan.stages.find((s) => s.id === source.stage);
  if (st) for (const [k, v] of flatten(st.params, 'train', new Map())) if (MODEL_PARAMS.test(k)) out.set(k, v);
  return out;
}

export function diffParams(sides: Map<string, unknown>[]): ParamDiff[] {
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const s of sides)
    for (const p of s.keys())
      if (!seen.has(p)) {
        seen.add(p);
        paths.push(p);
      }
  const out: ParamDiff[] = [];
  for (const p of paths) {
    const values = sides.map((s) => (s.has(p) ? (s.get(p) ?? null) : null));
    const first = canonicalJson(values[0]);
    if (values.some((v) => canonicalJson(v) !== first)) out.push({ path: p, values });
  }
  return out;
}
