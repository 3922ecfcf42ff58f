/**
 * Checks of data sources, stage operators and splits. Each returns its typed form (or null
 * after reporting why not); columns are checked against the schema flowing into the operator.
 */
import type * as A from './ast.ts';
import type { CheckContext } from './check-context.ts';
import { checkRegex, lookupColumn, typeExpression, type Scope } from './check-expr.ts';
import { diag } from './diagnostics.ts';
import type { ColumnFact, DatasetFact } from './facts.ts';
import { lshBands } from './lsh.ts';
import { get, readSettings } from './options.ts';
import { BALANCE_OPTIONS, DEDUPE_EXACT_OPTIONS, DEDUPE_NEAR_OPTIONS, SAMPLE_OPTIONS, SOURCE_OPTIONS, SPLIT_OPTIONS } from './option-tables.ts';
import type * as P from './plan.ts';
import { sqlProbe } from './sql-probe.ts';
import { valueToSource } from './strings.ts';
import { closest } from './suggest.ts';
import { parseTemplate } from './template.ts';
import type { CheckedOp, CheckedSource, CheckedSplit } from './typed.ts';

export const FORMATS: Record<string, P.FileFormat> = {
  auto: 'auto',
  openai: 'openai',
  prompt_completion: 'prompt-completion',
  'prompt-completion': 'prompt-completion',
  context_response: 'context-response',
  'context-response': 'context-response',
  csv: 'csv',
  parquet: 'parquet'
};
export const FORMAT_WORDS = ['auto', 'openai', 'prompt_completion', 'context_response', 'csv', 'parquet'];

export const ROLES: readonly P.Role[] = ['system', 'user', 'assistant', 'tool', 'function'];
export const BUILTIN_REDACTIONS = ['email', 'phone', 'credit_card', 'ip'];

// ---------------------------------------------------------------- sources
function datasetFact(fact: DatasetFact | undefined): ColumnFact[] | null {
  return fact && fact.ok ? fact.columns : null;
}

export function checkSource(stmt: A.DatasetStmt, cx: CheckContext): CheckedSource | null {
  const src = stmt.source;
  if (!src) return null;
  const name = stmt.name.name;
  if (src.kind === 'FileSource') {
    let format: P.FileFormat = 'auto';
    if (src.format) {
      const word = src.format.kind === 'Ident' ? src.format.name : src.format.value;
      const f = FORMATS[word];
      if (!f) cx.diags.push(diag('E019', src.format.span, { format: word, suggestion: closest(word, FORMAT_WORDS), formats: FORMAT_WORDS }));
      else format = f;
    }
    const read = readSettings(src.options?.settings ?? [], SOURCE_OPTIONS, 'file source', cx.diags);
    const mapping: Record<string, string> = {};
    for (const k of ['system', 'user', 'assistant'] as const) {
      const r = read[k]?.[0];
      if (r) mapping[k] = r.value.value;
    }
    for (const r of read.column ?? []) {
      if (r.value.target in mapping) cx.diags.push(diag('E035', r.setting.values[0].span, { option: r.value.target }));
      else mapping[r.value.target] = r.value.source;
    }
    const mapped = [...(['user', 'assistant', 'system'] as const).map((k) => read[k]?.[0]), ...(read.column ?? [])].filter((r) => r !== undefined);
    if (mapped.length && !['csv', 'parquet', 'auto'].includes(format)) {
      cx.diags.push(diag('E042', mapped[0]!.setting.key.span, { option: mapped[0]!.setting.key.name, reason: 'applies to csv and parquet sources only' }));
    }
    if (mapped.length && (!mapping.user || !mapping.assistant)) {
      cx.diags.push(diag('E034', src.options!.span, { option: mapping.user ? 'assistant' : 'user', context: 'a column mapping', example: 'user "question" assistant "answer"' }));
    }
    const options: P.FileOptions = { mapping: mapped.length ? mapping : null, skip_invalid: get(read.skip_invalid, false) };
    if (!src.path.value) cx.diags.push(diag('E018', src.path.span, { path: '', message: 'the path is empty' }));
    const key = `${format}:${src.path.value}`;
    const fact = cx.facts.files?.[key];
    if (!fact) cx.needs.files.push({ key, path: src.path.value, format, options: { ...options }, span: src.path.span });
    else if (!fact.ok) cx.diags.push(diag('E018', src.path.span, { path: src.path.value, message: fact.message ?? 'not found' }));
    cx.schemas.set(name, datasetFact(fact));
    return { kind: 'source', name, span: stmt.span, params: { from: 'file', path: src.path.value, format, options } };
  }
  const dataset = src.dataset.kind === 'Ident' ? src.dataset.name : src.dataset.value;
  let version: number | null = null;
  if (src.version) {
    if (!src.version.integer || src.version.value < 1) cx.diags.push(diag('E033', src.version.span, { option: 'dataset version', value: src.version.text, range: 'must be an integer ≥ 1' }));
    else version = src.version.value;
  }
  const key = version === null ? dataset : `${dataset}@${version}`;
  const fact = cx.facts.datasets?.[key];
  if (!fact) cx.needs.datasets.push({ key, name: dataset, version, span: src.dataset.span });
  else if (!fact.ok) {
    if (version !== null && fact.versions?.length) {
      cx.diags.push(diag('E017', src.version!.span, { name: dataset, version, versions: fact.versions }));
    } else {
      const available = fact.available ?? [];
      cx.diags.push(diag('E016', src.dataset.span, { name: dataset, suggestion: closest(dataset, available), available, message: fact.message }));
    }
  }
  cx.schemas.set(name, datasetFact(fact));
  return { kind: 'source', name, span: stmt.span, params: { from: 'workspace', dataset, version } };
}

// ---------------------------------------------------------------- operators
function column(cx: CheckContext, scope: Scope, id: A.Ident): string {
  lookupColumn(scope, id.name, id.span, cx.diags);
  return id.name;
}

function textColumn(cx: CheckContext, scope: Scope, id: A.Ident, what: string): void {
  const before = cx.diags.length;
  lookupColumn(scope, id.name, id.span, cx.diags);
  if (cx.diags.length > before) return;
  const t = cx.columnType(scope, id.name);
  if (t && t !== 'string') cx.diags.push(diag('E032', id.span, { option: what, expected: 'a text column', found: `${id.name}, ${t === 'integer' ? 'an integer' : `a ${t}`} column` }));
}

/** A `sql "..."` snippet: valid once DuckDB said so (a need until then). */
function checkSqlSnippet(op: A.FilterSqlOp, scope: Scope, cx: CheckContext): void {
  const snippet = op.sql.value;
  if (!snippet.trim()) {
    cx.diags.push(diag('E029', op.sql.span, { message: 'the SQL condition is empty', hints: [] }));
    return;
  }
  if (!scope.columns) return;
  const key = `${snippet}\u0000${scope.columns.map((c) => `${c.name}:${c.type}`).join(',')}`;
  const fact = cx.facts.sql?.[key];
  if (!fact) {
    const { probe, snippetOffset } = sqlProbe(snippet, scope.columns);
    cx.needs.sql.push({ key, snippet, columns: scope.columns, probe, snippetOffset, span: op.sql.span });
    return;
  }
  if (fact.ok) return;
  let span = op.sql.span;
  if (fact.offset !== null) {
    const image = cx.source.slice(op.sql.span.start, op.sql.span.end);
    const start = valueToSource(image, op.sql.span.start, fact.offset);
    let len = 1;
    while (/[\w"]/.test(snippet[fact.offset + len] ?? '') && /[\w"]/.test(snippet[fact.offset] ?? '')) len++;
    const end = valueToSource(image, op.sql.span.start, fact.offset + len);
    span = { start, end: Math.max(start + 1, Math.min(end, op.sql.span.end)) };
  }
  cx.diags.push(diag('E029', span, { message: fact.message, hints: fact.hints ?? [] }));
}

function dedupe(op: A.DedupeOp, scope: Scope, cx: CheckContext): CheckedOp | null {
  if (op.mode === 'exact') {
    readSettings(op.settings, DEDUPE_EXACT_OPTIONS, 'dedupe exact', cx.diags);
    const on = op.fields.length ? op.fields.map((f) => column(cx, scope, f)) : ['conversation_id'];
    return { kind: 'dedupe_exact', span: op.span, params: { on, keep: 'first' } };
  }
  if (op.fields.length !== 1) {
    const at = op.fields[1] ?? op.fields[0];
    cx.diags.push(diag('E043', at?.span ?? op.head, { option: 'dedupe near on', count: 1 }));
    return null;
  }
  textColumn(cx, scope, op.fields[0], 'dedupe near on');
  const r = readSettings(op.settings, DEDUPE_NEAR_OPTIONS, 'dedupe near', cx.diags);
  const threshold = get(r.threshold, DEDUPE_NEAR_OPTIONS.threshold.default);
  const permutations = get(r.permutations, DEDUPE_NEAR_OPTIONS.permutations.default);
  let bands = r.bands?.[0]?.value;
  if (bands !== undefined && bands > permutations) {
    cx.diags.push(diag('E033', r.bands![0].setting.values[0].span, { option: 'bands', value: String(bands), range: `must be ≤ permutations (${permutations})` }));
    return null;
  }
  const banding = bands === undefined ? lshBands(threshold, permutations) : { bands, rows: Math.floor(permutations / bands) };
  bands = banding.bands;
  return {
    kind: 'dedupe_near',
    span: op.span,
    params: {
      on: op.fields[0].name,
      threshold,
      word_ngram: get(r.ngram, DEDUPE_NEAR_OPTIONS.ngram.default),
      char_ngram: get(r.char_ngram, DEDUPE_NEAR_OPTIONS.char_ngram.default),
      permutations,
      bands,
      rows: banding.rows,
      seed: get(r.seed, DEDUPE_NEAR_OPTIONS.seed.default),
      keep: 'first'
    }
  };
}

function redact(op: A.RedactOp, cx: CheckContext): CheckedOp {
  const kinds: P.RedactKind[] = [];
  const seen = new Map<string, A.RedactItem>();
  for (const item of op.items) {
    const name = item.name.name;
    if (!name) continue;
    const first = seen.get(name);
    if (first) {
      cx.diags.push(diag('E035', item.name.span, { option: name }, { related: [{ span: first.span, message: 'first given here' }] }));
      continue;
    }
    seen.set(name, item);
    if (item.pattern) {
      if (!item.pattern.value) cx.diags.push(diag('E027', item.pattern.span, { message: 'the pattern is empty' }));
      else checkRegex(item.pattern, cx.diags);
      kinds.push({ name, builtin: false, pattern: item.pattern.value, replacement: `[${name.toUpperCase()}]` });
    } else if (BUILTIN_REDACTIONS.includes(name)) {
      kinds.push({ name, builtin: true, pattern: null, replacement: `[${name.toUpperCase()}]` });
    } else {
      cx.diags.push(diag('E037', item.name.span, { kind: name, suggestion: closest(name, BUILTIN_REDACTIONS), kinds: BUILTIN_REDACTIONS }));
    }
  }
  return { kind: 'redact', span: op.span, params: { kinds } };
}

function sample(op: A.SampleOp, cx: CheckContext): CheckedOp | null {
  const r = readSettings(op.settings, SAMPLE_OPTIONS, 'sample', cx.diags);
  const seed = get(r.seed, SAMPLE_OPTIONS.seed.default);
  const a = op.amount;
  if (!a) return null;
  if (a.kind === 'Percent') {
    if (!(a.value > 0 && a.value <= 100)) {
      cx.diags.push(diag('E033', a.span, { option: 'sample', value: `${a.value}%`, range: 'must be > 0% and ≤ 100%' }));
      return null;
    }
    return { kind: 'sample', span: op.span, params: { mode: 'fraction', fraction: a.value / 100, seed } };
  }
  if (!a.integer) {
    cx.diags.push(diag('E032', a.span, { option: 'sample', expected: 'a row count (integer) or a percentage', found: `the number ${a.text}` }));
    return null;
  }
  if (a.value < 1) {
    cx.diags.push(diag('E033', a.span, { option: 'sample', value: a.text, range: 'must be ≥ 1' }));
    return null;
  }
  return { kind: 'sample', span: op.span, params: { mode: 'count', n: a.value, seed } };
}

function systemPrompt(op: A.SystemPromptOp, scope: Scope, cx: CheckContext): CheckedOp | null {
  const modes = ['set', 'default', 'prepend'] as const;
  let mode: (typeof modes)[number] = 'set';
  if (op.mode) {
    const m = op.mode.name;
    if (!(modes as readonly string[]).includes(m)) {
      cx.diags.push(diag('E039', op.mode.span, { option: 'system_prompt mode', value: m, suggestion: closest(m, modes), values: [...modes] }));
      return null;
    }
    mode = m as (typeof modes)[number];
  }
  if (!op.template) return null;
  const image = cx.source.slice(op.template.span.start, op.template.span.end);
  const parts = parseTemplate(op.template.value);
  const columns: string[] = [];
  const columnTypes: Record<string, string> = {};
  for (const p of parts) {
    if (p.kind !== 'column') continue;
    if (!columns.includes(p.name)) columns.push(p.name);
    if (!scope.columns) continue;
    const c = scope.columns.find((x) => x.name === p.name);
    if (c) {
      columnTypes[p.name] = c.type;
      continue;
    }
    const span = { start: valueToSource(image, op.template.span.start, p.start), end: valueToSource(image, op.template.span.start, p.end) };
    const names = scope.columns.map((x) => x.name);
    cx.diags.push(diag('E040', span, { column: p.name, suggestion: closest(p.name, names), available: names }));
  }
  return { kind: 'system_prompt', span: op.span, params: { mode, template: op.template.value, columns }, columnTypes };
}

function mapRoles(op: A.MapRolesOp, cx: CheckContext): CheckedOp {
  const mapping: P.MapRolesParams['mapping'] = [];
  const seen = new Map<string, A.RolePair>();
  for (const pair of op.pairs) {
    let ok = true;
    for (const r of [pair.from, pair.to]) {
      if (r.name && !(ROLES as readonly string[]).includes(r.name)) {
        cx.diags.push(diag('E041', r.span, { role: r.name, roles: [...ROLES] }, { help: closest(r.name, ROLES) ? [`did you mean '${closest(r.name, ROLES)}'?`] : [] }));
        ok = false;
      }
    }
    const first = seen.get(pair.from.name);
    if (first) {
      cx.diags.push(diag('E035', pair.from.span, { option: pair.from.name }, { related: [{ span: first.span, message: 'first mapped here' }] }));
      continue;
    }
    seen.set(pair.from.name, pair);
    if (ok) mapping.push({ from: pair.from.name as P.Role, to: pair.to.name as P.Role });
  }
  return { kind: 'map_roles', span: op.span, params: { mapping } };
}

export function checkOperator(op: A.Operator, scope: Scope, cx: CheckContext): CheckedOp | null {
  switch (op.kind) {
    case 'Filter':
      return { kind: 'filter', span: op.span, expr: op.expr, typing: typeExpression(op.expr, scope, cx.diags) };
    case 'FilterSql':
      checkSqlSnippet(op, scope, cx);
      return { kind: 'filter_sql', span: op.span, sql: op.sql.value };
    case 'Dedupe':
      return dedupe(op, scope, cx);
    case 'Redact':
      return redact(op, cx);
    case 'Sample':
      return sample(op, cx);
    case 'Limit':
      if (!op.count) return null;
      if (!op.count.integer || op.count.value < 1) {
        cx.diags.push(diag('E033', op.count.span, { option: 'limit', value: op.count.text, range: 'must be an integer ≥ 1' }));
        return null;
      }
      return { kind: 'limit', span: op.span, params: { n: op.count.value } };
    case 'SystemPrompt':
      return systemPrompt(op, scope, cx);
    case 'MapRoles':
      return mapRoles(op, cx);
    case 'Balance': {
      const by = column(cx, scope, op.column);
      const r = readSettings(op.settings, BALANCE_OPTIONS, 'balance', cx.diags);
      const cap = r.cap?.[0]?.value;
      if (cap === undefined) {
        if (!op.settings.some((s) => s.key.name === 'cap')) cx.diags.push(diag('E034', op.head, { option: 'cap', context: 'balance', example: BALANCE_OPTIONS.cap.example }));
        return null;
      }
      return { kind: 'balance', span: op.span, params: { by, cap, seed: get(r.seed, BALANCE_OPTIONS.seed.default) } };
    }
  }
}

// ---------------------------------------------------------------- split
export function checkSplit(stmt: A.SplitStmt, scope: Scope, cx: CheckContext): CheckedSplit | null {
  const parts: P.SplitParams['parts'] = [];
  if (stmt.parts.length < 2) cx.diags.push(diag('E020', stmt.head, { count: stmt.parts.length }));
  let sum = 0;
  for (const p of stmt.parts) {
    if (!p.percent) continue;
    if (!(p.percent.value > 0)) cx.diags.push(diag('E033', p.percent.span, { option: `part ${p.name.name}`, value: `${p.percent.value}%`, range: 'must be > 0%' }));
    sum += p.percent.value;
    parts.push({ name: p.name.name, percent: p.percent.value });
  }
  if (stmt.parts.length >= 2 && Math.abs(sum - 100) > 1e-9) {
    const span = { start: stmt.parts[0].span.start, end: stmt.parts[stmt.parts.length - 1].span.end };
    cx.diags.push(diag('E038', span, { sum: String(Math.round(sum * 1e6) / 1e6) }));
  }
  const r = readSettings(stmt.settings, SPLIT_OPTIONS, 'split', cx.diags);
  const stratify = r.stratify?.[0]?.value ?? null;
  if (stratify) lookupColumn(scope, stratify.value, stratify.span, cx.diags);
  const disjoint = r.disjoint?.[0]?.value;
  if (disjoint) {
    const before = cx.diags.length;
    const t = lookupColumn(scope, disjoint.value, disjoint.span, cx.diags);
    if (cx.diags.length === before && t !== 'string' && t !== 'unknown') cx.diags.push(diag('E032', disjoint.span, { option: 'disjoint', expected: 'a text column', found: `${disjoint.value}, not text` }));
  }
  return {
    kind: 'split',
    id: stmt.parts.map((p) => p.name.name).join('+'),
    span: stmt.span,
    input: stmt.input.name,
    params: {
      parts,
      seed: get(r.seed, SPLIT_OPTIONS.seed.default),
      stratify: stratify?.value ?? null,
      disjoint: { on: disjoint?.value ?? SPLIT_OPTIONS.disjoint.default, threshold: get(r.threshold, SPLIT_OPTIONS.threshold.default) }
    }
  };
}

/** Columns of several inputs read together (UNION ALL BY NAME): the union, first type wins. */
export function unionColumns(inputs: (ColumnFact[] | null)[]): ColumnFact[] | null {
  if (inputs.some((c) => c === null)) return null;
  const out: ColumnFact[] = [];
  for (const cols of inputs as ColumnFact[][]) for (const c of cols) if (!out.some((o) => o.name === c.name)) out.push(c);
  return out;
}
