/**
 * Checks an eval statement: the models it compares (base models, train stages, checkpoints,
 * and `base` = the base model of the listed train stages), its metrics with their options,
 * style blocks, and generation settings.
 */
import type * as A from './ast.ts';
import type { CheckContext } from './check-context.ts';
import { checkRegex, lookupColumn, type Scope } from './check-expr.ts';
import { checkModelName, readCheckpoint } from './check-train.ts';
import { diag } from './diagnostics.ts';
import { METRICS, METRIC_NAMES, type MetricOption } from './metrics.ts';
import { describeValue, get, readSettings, type ReadOption } from './options.ts';
import { EVAL_OPTIONS, GENERATION_DEFAULTS, STYLE_OPTIONS } from './option-tables.ts';
import type * as P from './plan.ts';
import { closest } from './suggest.ts';
import type { CheckedEval } from './typed.ts';

function label(ref: A.ModelRef, source: string): string {
  return source.slice(ref.span.start, ref.span.end).replace(/\s+/g, ' ');
}

function readModels(stmt: A.EvalStmt, cx: CheckContext): P.EvalModel[] {
  const out: P.EvalModel[] = [];
  const trainRefs = stmt.models.filter((m) => m.target.kind === 'Ident' && cx.defs.get(m.target.name)?.kind === 'train');
  for (const ref of stmt.models) {
    const t = ref.target;
    if (t.kind === 'String') {
      if (ref.selector) cx.diags.push(diag('E059', ref.selector.span, { what: 'a base model' }));
      const m = checkModelName(t.value, t.span, cx);
      if (m) out.push({ label: m.name, model: { kind: 'base', name: m.name } });
      continue;
    }
    if (!t.name) continue;
    if (t.name === 'base' && !cx.defs.has('base')) {
      if (ref.selector) cx.diags.push(diag('E059', ref.selector.span, { what: "'base'" }));
      const roots = trainRefs.map((r) => ({ stage: (r.target as A.Ident).name, root: cx.roots.get((r.target as A.Ident).name) }));
      if (roots.length === 0) {
        cx.diags.push(diag('E055', t.span, { reason: 'means the base model of the train stages in this list, but it names none' }));
        continue;
      }
      if (roots.some((r) => !r.root)) continue;
      const distinct = [...new Set(roots.map((r) => r.root!.name))];
      if (distinct.length > 1) {
        cx.diags.push(diag('E055', t.span, { reason: `is ambiguous: ${roots.map((r) => `${r.stage} starts from "${r.root!.name}"`).join(', ')}` }));
        continue;
      }
      out.push({ label: 'base', model: { kind: 'base', name: distinct[0] } });
      continue;
    }
    const def = cx.resolve(t, ['train'], 'train stage or base model');
    if (!def) continue;
    const checkpoint = readCheckpoint(ref.selector, cx);
    if (checkpoint) out.push({ label: label(ref, cx.source), model: { kind: 'train', stage: def.name, checkpoint } });
  }
  return out;
}

function optionValue(o: A.WordOption): string | boolean | number | null {
  const v = o.value;
  if (!v) return null;
  if (v.kind === 'Ident') return v.name;
  if (v.kind === 'String') return v.value;
  if (v.kind === 'Bool') return v.value;
  return v.value;
}

function readMetric(v: A.Value, scope: Scope, cx: CheckContext): P.MetricParams | null {
  const name = v.kind === 'Word' ? v.name.name : v.kind === 'String' ? v.value : null;
  if (name === null || (v.kind === 'Word' && v.selector)) {
    cx.diags.push(diag('E032', v.span, { option: 'metrics', expected: 'metric names', found: describeValue(v) }));
    return null;
  }
  const info = METRICS[name];
  if (!info) {
    cx.diags.push(diag('E053', v.span, { metric: name, suggestion: closest(name, METRIC_NAMES), metrics: METRIC_NAMES }));
    return null;
  }
  const options: P.MetricParams['options'] = {};
  const given = v.kind === 'Word' ? (v.options ?? []) : [];
  let ok = true;
  for (const o of given) {
    const spec: MetricOption | undefined = info.options[o.name.name];
    const optionNames = Object.keys(info.options);
    if (!spec) {
      cx.diags.push(diag('E054', o.name.span, { metric: name, option: o.name.name, suggestion: closest(o.name.name, optionNames), options: optionNames }));
      ok = false;
      continue;
    }
    const value = optionValue(o);
    const at = o.value?.span ?? o.span;
    if (spec.kind === 'bool') {
      if (value === null || typeof value === 'boolean') options[o.name.name] = value ?? true;
      else {
        cx.diags.push(diag('E032', at, { option: `${name} ${o.name.name}`, expected: 'nothing (on), or true/false', found: describeValue(o.value!) }));
        ok = false;
      }
    } else if (spec.kind === 'enum') {
      const s = typeof value === 'number' ? String(value) : value;
      const canon = typeof s === 'string' ? (spec.values.includes(s) ? s : spec.aliases?.[s]) : undefined;
      if (canon) options[o.name.name] = canon;
      else {
        const shown = String(s ?? '');
        cx.diags.push(diag('E039', at, { option: `${name} ${o.name.name}`, value: shown, suggestion: closest(shown, spec.values), values: [...spec.values] }));
        ok = false;
      }
    } else {
      if (typeof value !== 'string') {
        cx.diags.push(diag('E032', at, { option: `${name} ${o.name.name}`, expected: 'a column name', found: o.value ? describeValue(o.value) : 'nothing' }));
        ok = false;
      } else {
        lookupColumn(scope, value, at, cx.diags);
        options[o.name.name] = value;
      }
    }
  }
  for (const [k, spec] of Object.entries(info.options)) {
    if (k in options) continue;
    if (spec.kind === 'column') {
      if (ok) cx.diags.push(diag('E058', v.span, { metric: name, option: k, example: `${name}(${k} intent)` }));
      ok = false;
    } else options[k] = spec.default;
  }
  return ok ? { name, options } : null;
}

function readStyle(read: ReadOption<A.Value[]>, cx: CheckContext): P.StyleParams | null {
  const s = read.setting;
  const [v, extra] = read.value;
  if (!v || v.kind !== 'Word' || v.selector || v.options || extra) {
    const at = extra ?? v;
    cx.diags.push(diag('E032', at ? at.span : s.key.span, { option: 'style', expected: 'a style name followed by { ... }', found: describeValue(at) }));
    return null;
  }
  if (!s.block) {
    cx.diags.push(diag('E034', v.span, { option: '{ ... }', context: `style ${v.name.name}`, example: `style ${v.name.name} { lexicon ["..."] min_tokens 20 }` }));
    return null;
  }
  const r = readSettings(s.block.settings, STYLE_OPTIONS, 'style', cx.diags);
  const style: P.StyleParams = {
    name: v.name.name,
    lexicon: [],
    forbidden: [],
    min_tokens: r.min_tokens?.[0]?.value ?? null,
    max_tokens: r.max_tokens?.[0]?.value ?? null,
    require: [],
    reject: [],
    max_repetition: r.max_repetition?.[0]?.value ?? null,
    threshold: get(r.threshold, STYLE_OPTIONS.threshold.default)
  };
  if (style.min_tokens !== null && style.max_tokens !== null && style.min_tokens > style.max_tokens) {
    cx.diags.push(diag('E036', r.max_tokens![0].setting.key.span, { a: 'max_tokens', b: 'min_tokens', reason: `max_tokens ${style.max_tokens} is below min_tokens ${style.min_tokens}` }));
  }
  // lexicon/forbidden lists and the weights that follow them, in source order
  const ordered = [...(r.lexicon ?? []).map((x) => ['lexicon', x] as const), ...(r.forbidden ?? []).map((x) => ['forbidden', x] as const), ...(r.weight ?? []).map((x) => ['weight', x] as const)].sort(
    (a, b) => a[1].setting.span.start - b[1].setting.span.start
  );
  let last: { term: string; weight: number }[] | null = null;
  for (const [key, item] of ordered) {
    if (key === 'weight') {
      if (!last) cx.diags.push(diag('E042', item.setting.key.span, { option: 'weight', reason: 'must follow a lexicon or forbidden list' }));
      else for (const t of last) t.weight = item.value as number;
      last = null;
      continue;
    }
    last = (item.value as { value: string }[]).map((t) => ({ term: t.value, weight: 1 }));
    style[key].push(...last);
  }
  for (const key of ['require', 'reject'] as const) {
    for (const list of r[key] ?? []) {
      for (const x of list.value) if (checkRegex(x, cx.diags)) style[key].push(x.value);
    }
  }
  return style;
}

export function checkEval(stmt: A.EvalStmt, name: string, scope: Scope, cx: CheckContext): CheckedEval | null {
  const models = readModels(stmt, cx);
  const r = readSettings(stmt.block.settings, EVAL_OPTIONS, 'eval', cx.diags);
  const metrics: P.MetricParams[] = [];
  const seen = new Map<string, A.Span>();
  for (const read of r.metrics ?? []) {
    if (read.value.length === 0) cx.diags.push(diag('E032', read.setting.key.span, { option: 'metrics', expected: 'metric names', found: 'nothing' }));
    for (const v of read.value) {
      const m = readMetric(v, scope, cx);
      if (!m) continue;
      const key = JSON.stringify(m);
      if (seen.has(key)) {
        cx.diags.push(diag('E035', v.span, { option: m.name }, { related: [{ span: seen.get(key)!, message: 'first given here' }] }));
        continue;
      }
      seen.set(key, v.span);
      metrics.push(m);
    }
  }
  const styles: P.StyleParams[] = [];
  for (const read of r.style ?? []) {
    const s = readStyle(read, cx);
    if (!s) continue;
    if (styles.some((x) => x.name === s.name)) cx.diags.push(diag('E012', read.value[0].span, { name: s.name, kind: 'style' }));
    else styles.push(s);
  }
  if (!r.metrics && !r.style) cx.diags.push(diag('E057', stmt.head, {}));
  const seed = get(r.seed, GENERATION_DEFAULTS.seed);
  return {
    kind: 'eval',
    name,
    span: stmt.span,
    data: stmt.data.name,
    params: {
      models,
      metrics,
      styles,
      generation: {
        max_tokens: get(r.max_tokens, GENERATION_DEFAULTS.max_tokens),
        temperature: get(r.temperature, GENERATION_DEFAULTS.temperature),
        top_p: get(r.top_p, GENERATION_DEFAULTS.top_p),
        top_k: get(r.top_k, GENERATION_DEFAULTS.top_k),
        seed,
        stop: (r.stop?.[0]?.value ?? []).map((x) => x.value),
        batch_size: get(r.batch_size, GENERATION_DEFAULTS.batch_size)
      },
      bootstrap: { samples: get(r.bootstrap, EVAL_OPTIONS.bootstrap.default), seed, confidence: 0.95 },
      max_examples: r.max_examples?.[0]?.value ?? null,
      time_budget_ms: r.time_budget?.[0]?.value ?? null
    }
  };
}
