/**
 * Diagnostics: a typed catalogue of stable codes (E = error, W = warning), one message formatter
 * per code, and a renderer for terminals:
 *
 *   pipelines/support.ftp:9:10 error[E021]: unknown column 'turn' in tickets
 *    9 |   filter turn >= 2
 *      |          ^^^^
 *   help: did you mean 'turns'?
 *
 * Codes never change meaning once released; retire a code rather than reuse it.
 */
import { LineIndex, type Span } from './spans.ts';

export type Severity = 'error' | 'warning';

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  help: string[];
  /** The code's parameters, for tools (the editor, --json). */
  data: Record<string, unknown>;
  related: Related[];
}

interface CodeDef<P> {
  severity: Severity;
  /** A short title for the catalogue in the reference. */
  title: string;
  message: (p: P) => string;
  help?: (p: P) => string[];
}

function def<P>(severity: Severity, title: string, message: (p: P) => string, help?: (p: P) => string[]): CodeDef<P> {
  return { severity, title, message, help };
}

const q = (s: string) => `'${s}'`;
const didYouMean = (s?: string | null) => (s ? [`did you mean ${q(s)}?`] : []);
const listOf = (label: string, xs?: readonly string[], max = 12) =>
  xs && xs.length ? [`${label}: ${xs.slice(0, max).join(', ')}${xs.length > max ? `, … (${xs.length - max} more)` : ''}`] : [];

export const CODES = {
  // ---- lexical and syntax
  E001: def<{ char: string }>('error', 'unexpected character', (p) => `unexpected character ${q(p.char)}`),
  E002: def<{ triple: boolean }>('error', 'unterminated string', (p) => `unterminated string: missing the closing ${p.triple ? '"""' : '"'}`, (p) =>
    p.triple ? [] : ['a "..." string ends on the line it starts; for several lines use """..."""']
  ),
  E003: def<{ escape: string }>('error', 'invalid escape', (p) => `invalid escape ${q(p.escape)} in string`, () => [
    'escapes are \\\\ \\" \\n \\r \\t and \\u{HEX}; or write a raw string r"..." where \\ is literal'
  ]),
  E004: def<{ expected: string; found: string }>('error', 'expected token', (p) => `expected ${p.expected}, found ${p.found}`),
  E005: def<{ found: string; expected: string[]; suggestion?: string | null; context: string }>(
    'error',
    'unexpected token',
    (p) => `unexpected ${p.found}${p.context ? ` ${p.context}` : ''}`,
    (p) => [...didYouMean(p.suggestion), ...listOf('expected one of', p.expected, 16)]
  ),
  E006: def<{ expected: string[] }>('error', 'unexpected end of file', () => 'unexpected end of file', (p) => listOf('expected', p.expected, 16)),
  E007: def<{ text: string }>('error', 'number out of range', (p) => `number ${p.text} is out of range`),

  // ---- names and structure
  E010: def<Record<string, never>>('error', 'missing pipeline statement', () => 'a pipeline file must start with a pipeline statement', () => [
    'add a first line such as: pipeline support_bot'
  ]),
  E011: def<{ name: string }>('error', 'second pipeline statement', (p) => `a file holds one pipeline; found a second one, ${q(p.name)}`),
  E012: def<{ name: string; kind: string }>('error', 'duplicate name', (p) => `${q(p.name)} is already defined (as a ${p.kind})`, () => [
    'names of datasets, stages, split parts, train and eval stages share one namespace'
  ]),
  E013: def<{ name: string; expected: string; suggestion?: string | null; available: string[] }>(
    'error',
    'unknown name',
    (p) => `unknown ${p.expected} ${q(p.name)}`,
    (p) => [...didYouMean(p.suggestion), ...listOf('defined names', p.available)]
  ),
  E014: def<{ name: string; found: string; expected: string }>('error', 'wrong kind of name', (p) => `${q(p.name)} is a ${p.found}, but ${p.expected} is needed here`),
  E015: def<{ cycle: string[] }>('error', 'cycle', (p) => `stages depend on each other in a cycle: ${p.cycle.join(' → ')}`, () => [
    'each stage may read only stages that do not, directly or indirectly, read it'
  ]),
  E016: def<{ name: string; suggestion?: string | null; available: string[]; message?: string }>(
    'error',
    'unknown workspace dataset',
    (p) => p.message ?? `the workspace has no dataset named ${q(p.name)}`,
    (p) => [...didYouMean(p.suggestion), ...(p.available.length ? listOf('workspace datasets', p.available) : ['import one first: tunebench import FILE --name NAME'])]
  ),
  E017: def<{ name: string; version: number; versions: number[] }>('error', 'unknown dataset version', (p) => `dataset ${q(p.name)} has no version ${p.version}`, (p) =>
    listOf('versions', p.versions.map(String))
  ),
  E018: def<{ path: string; message: string }>('error', 'unreadable file source', (p) => `cannot read ${q(p.path)}: ${p.message}`, () => [
    'file paths are relative to the workspace folder'
  ]),
  E019: def<{ format: string; suggestion?: string | null; formats: string[] }>('error', 'unknown format', (p) => `unknown format ${q(p.format)}`, (p) => [
    ...didYouMean(p.suggestion),
    ...listOf('formats', p.formats)
  ]),
  E020: def<{ count: number }>('error', 'too few split parts', (p) => `a split needs at least two parts; found ${p.count}`),

  // ---- expressions
  E021: def<{ column: string; dataset: string; suggestion?: string | null; available: string[] }>(
    'error',
    'unknown column',
    (p) => `unknown column ${q(p.column)} in ${p.dataset}`,
    (p) => [...didYouMean(p.suggestion), ...listOf('columns', p.available, 20)]
  ),
  E022: def<{ op: string; left: string; right: string }>('error', 'incomparable types', (p) => `cannot compare ${p.left} with ${p.right} (${p.op})`, (p) =>
    p.left === 'string' || p.right === 'string' ? ['quote text values: "..."; numbers go without quotes'] : []
  ),
  E023: def<{ op: string; expected: string; found: string }>('error', 'wrong operand type', (p) => `${q(p.op)} needs ${p.expected}, found ${p.found}`),
  E024: def<{ found: string }>('error', 'condition is not boolean', (p) => `a filter condition must be true or false, but this is ${p.found}`, () => [
    'compare it with something, e.g. turns >= 2'
  ]),
  E025: def<{ name: string; suggestion?: string | null; functions: string[] }>('error', 'unknown function', (p) => `unknown function ${q(p.name)}`, (p) => [
    ...didYouMean(p.suggestion),
    ...listOf('functions', p.functions)
  ]),
  E026: def<{ fn: string; message: string }>('error', 'bad function call', (p) => `${p.fn}(): ${p.message}`),
  E027: def<{ message: string }>('error', 'invalid regular expression', (p) => `invalid regular expression: ${p.message}`),
  E028: def<{ expected: string; found: string }>('error', 'list item of the wrong type', (p) => `list items must be ${p.expected}; found ${p.found}`),
  E029: def<{ message: string; hints: string[] }>('error', 'SQL error', (p) => `DuckDB rejects this SQL: ${p.message}`, (p) => p.hints),
  W030: def<{ op: string }>('warning', 'comparison with null', (p) => `${q(p.op)} with null is never true`, (p) => [
    p.op === '!=' ? 'write: is not null' : 'write: is null'
  ]),

  // ---- options and operators
  E031: def<{ option: string; context: string; suggestion?: string | null; options: string[] }>(
    'error',
    'unknown option',
    (p) => `unknown option ${q(p.option)} in ${p.context}`,
    (p) => [...didYouMean(p.suggestion), ...listOf(`options of ${p.context}`, p.options, 40)]
  ),
  E032: def<{ option: string; expected: string; found: string }>('error', 'wrong value type', (p) => `${p.option} expects ${p.expected}, found ${p.found}`),
  E033: def<{ option: string; value: string; range: string }>('error', 'value out of range', (p) => `${p.option} ${p.value} is out of range: ${p.range}`),
  E034: def<{ option: string; context: string; example: string }>('error', 'missing option', (p) => `${p.context} needs ${q(p.option)}`, (p) => [`add, e.g.: ${p.example}`]),
  E035: def<{ option: string }>('error', 'duplicate option', (p) => `option ${q(p.option)} is given more than once`),
  E036: def<{ a: string; b: string; reason: string }>('error', 'conflicting options', (p) => `${q(p.a)} conflicts with ${q(p.b)}: ${p.reason}`),
  E037: def<{ kind: string; suggestion?: string | null; kinds: string[] }>('error', 'unknown redaction kind', (p) => `unknown redaction kind ${q(p.kind)}`, (p) => [
    ...didYouMean(p.suggestion),
    `built-in kinds: ${p.kinds.join(', ')}; a custom kind needs a pattern: ${p.kind} r"REGEX"`
  ]),
  E038: def<{ sum: string }>('error', 'split does not add up', (p) => `split parts add up to ${p.sum}%, not 100%`),
  E039: def<{ option: string; value: string; suggestion?: string | null; values: string[] }>(
    'error',
    'unknown value',
    (p) => `unknown ${p.option} ${q(p.value)}`,
    (p) => [...didYouMean(p.suggestion), ...listOf('choose from', p.values, 20)]
  ),
  E040: def<{ column: string; suggestion?: string | null; available: string[] }>(
    'error',
    'unknown template column',
    (p) => `template placeholder {${p.column}} names no column`,
    (p) => [...didYouMean(p.suggestion), ...listOf('columns', p.available, 20), 'write {{ or }} for a literal brace']
  ),
  E041: def<{ role: string; roles: string[] }>('error', 'unknown role', (p) => `unknown role ${q(p.role)}`, (p) => listOf('roles', p.roles)),
  E042: def<{ option: string; reason: string }>('error', 'option not allowed here', (p) => `${q(p.option)} ${p.reason}`),
  E043: def<{ option: string; count: number }>('error', 'too many values', (p) => `${p.option} takes ${p.count === 0 ? 'no value' : p.count === 1 ? 'one value' : `${p.count} values`}`, () => [
    'put each option on its own line or after the previous one: KEY VALUE'
  ]),

  // ---- train and eval
  E050: def<{ model: string; suggestion?: string | null; models: string[] }>('error', 'unknown base model', (p) => `unknown base model ${q(p.model)}`, (p) => [
    ...didYouMean(p.suggestion),
    ...(p.models.length ? listOf('known models', p.models) : ['no base models found: put model folders in .tunebench/models or list folders in TUNEBENCH_MODELS'])
  ]),
  E051: def<{ target: string; arch: string; valid: string[] }>('error', 'LoRA target not in model', (p) => `${q(p.target)} is not a ${p.arch} module`, (p) => listOf('targets', p.valid)),
  E052: def<{ metric: string }>('error', 'early stopping needs validation data', (p) => `early stopping on ${p.metric} needs validation data`, () => [
    'add it to the train statement: train NAME from DATA validate VALIDATION_DATA { ... }'
  ]),
  E053: def<{ metric: string; suggestion?: string | null; metrics: string[] }>('error', 'unknown metric', (p) => `unknown metric ${q(p.metric)}`, (p) => [
    ...didYouMean(p.suggestion),
    ...listOf('metrics', p.metrics, 30)
  ]),
  E054: def<{ metric: string; option: string; suggestion?: string | null; options: string[] }>(
    'error',
    'unknown metric option',
    (p) => `metric ${p.metric} has no option ${q(p.option)}`,
    (p) => [...didYouMean(p.suggestion), ...(p.options.length ? listOf('options', p.options) : [`${p.metric} takes no options`])]
  ),
  E055: def<{ reason: string }>('error', 'ambiguous base', (p) => `'base' ${p.reason}`, () => ['name the base model instead, e.g. "tinystories-260k"']),
  E056: def<{ selector: string }>('error', 'unknown checkpoint', (p) => `unknown checkpoint ${q(p.selector)}`, () => ['checkpoints: @best, @last, @epoch N, @step N']),
  E057: def<Record<string, never>>('error', 'eval measures nothing', () => 'an eval needs metrics or a style', () => ['add, e.g.: metrics bleu, rougeL']),
  E058: def<{ metric: string; option: string; example: string }>('error', 'metric option missing', (p) => `metric ${p.metric} needs ${q(p.option)}`, (p) => [`write: ${p.example}`]),
  E059: def<{ what: string }>('error', 'selector not allowed', (p) => `${p.what} cannot take a checkpoint selector`),
  W060: def<{ value: string }>('warning', 'high learning rate', (p) => `learning_rate ${p.value} is unusually high for fine-tuning`, () => [
    'fine-tuning rates are usually 1e-5 to 1e-3'
  ]),
  W061: def<{ name: string; kind: string }>('warning', 'unused', (p) => `${p.kind} ${q(p.name)} is never used`),
  W062: def<{ name: string }>('warning', 'empty stage', (p) => `stage ${q(p.name)} has no operators; it passes its input through unchanged`)
} as const;

export type Code = keyof typeof CODES;
export type ParamsOf<C extends Code> = (typeof CODES)[C] extends CodeDef<infer P> ? P : never;

/** Builds a diagnostic from its code and parameters. */
export function diag<C extends Code>(code: C, span: Span, params: ParamsOf<C>, extra: { help?: string[]; related?: Related[] } = {}): Diagnostic {
  const d = CODES[code] as unknown as CodeDef<ParamsOf<C>>;
  return {
    code,
    severity: d.severity,
    message: d.message(params),
    span,
    help: [...(d.help?.(params) ?? []), ...(extra.help ?? [])],
    data: params as Record<string, unknown>,
    related: extra.related ?? []
  };
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Stable order: by position, then code. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

// ---------------------------------------------------------------- rendering
/** Terminal columns of a string: East Asian wide characters take 2. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

export interface RenderOptions {
  /** Colour with ANSI escapes (for terminals). */
  color?: boolean;
}

/** Renders one diagnostic with its source line, an underline, and help lines. */
export function renderDiagnostic(d: Diagnostic, source: string, file: string, index = new LineIndex(source), opts: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const start = index.position(d.span.start);
  const end = index.position(d.span.end);
  const lineText = index.lineText(start.line).replace(/\t/g, ' ');
  const gutter = String(start.line).length;
  const endCol = end.line === start.line ? end.column : lineText.length + 1;
  const before = lineText.slice(0, start.column - 1);
  const marked = lineText.slice(start.column - 1, Math.max(start.column - 1, endCol - 1));
  const sev = d.severity === 'error' ? paint('1;31', `error[${d.code}]`) : paint('1;33', `warning[${d.code}]`);
  const out = [`${file}:${start.line}:${start.column} ${sev}: ${d.message}`];
  out.push(`${paint('34', `${start.line} |`)} ${lineText}`);
  out.push(`${paint('34', `${' '.repeat(gutter)} |`)} ${' '.repeat(width(before))}${paint(d.severity === 'error' ? '31' : '33', '^'.repeat(Math.max(1, width(marked))))}`);
  for (const r of d.related) {
    const p = index.position(r.span.start);
    out.push(`${paint('34', 'note')}: ${r.message} (${file}:${p.line}:${p.column})`);
  }
  for (const h of d.help) out.push(`${paint('36', 'help')}: ${h}`);
  return out.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], source: string, file: string, opts: RenderOptions = {}): string {
  const index = new LineIndex(source);
  return ds.map((d) => renderDiagnostic(d, source, file, index, opts)).join('\n\n');
}

/** One line per diagnostic, for logs and summaries. */
export function summarize(ds: readonly Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.length - errors;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${part(errors, 'error')}, ${part(warnings, 'warning')}`;
}
