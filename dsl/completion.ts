/**
 * Completion: what may come next at the cursor. The parser's content assist gives the token
 * types the grammar allows there; keywords become keyword items, option categories become the
 * options of the enclosing context, and name positions become the names that fit the rule
 * (columns in a filter, data names after `from`, models in an eval list, metric names, ...).
 */
import type { IToken } from 'chevrotain';
import { assist, currentKey, dataInScope, editorContext, optionContext, optionTable, statementAt, tokenAt, WORD_TOKENS, type EditorContext } from './editor-context.ts';
import { KEYWORD_DOCS, SYMBOL_DOCS } from './docs.ts';
import type { Facts } from './facts.ts';
import { FUNCTIONS } from './functions.ts';
import * as T from './lexer.ts';
import { METRICS, earlyStopMetricNames } from './metrics.ts';
import { BUILTIN_REDACTIONS, FORMAT_WORDS, ROLES } from './check-ops.ts';
import { GPT2_TARGETS, LLAMA_TARGETS } from './check-train.ts';
import { LineIndex, type Span } from './spans.ts';

export interface CompletionItem {
  label: string;
  kind: 'keyword' | 'option' | 'column' | 'name' | 'model' | 'metric' | 'function' | 'operator' | 'value';
  detail?: string;
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The span the chosen item replaces (the word being typed). */
  replace: Span;
}

const DATA_KINDS = new Set(['dataset', 'stage', 'split part']);

/** Defined names of some kinds, except the one being defined by the statement at `offset`. */
function names(cx: EditorContext, kinds: Set<string>, offset = -1): CompletionItem[] {
  const current = statementAt(cx.parsed.ast, offset);
  return [...cx.defs]
    .filter(([, d]) => kinds.has(d.kind) && d.stmt !== current)
    .map(([n, d]) => ({ label: n, kind: 'name' as const, detail: d.kind }));
}

function models(cx: EditorContext, quoted: boolean): CompletionItem[] {
  return (cx.facts.models ?? []).map((m) => ({ label: quoted ? `"${m.name}"` : m.name, kind: 'model' as const, detail: `base model${m.arch ? ` (${m.arch})` : ''}`, insertText: `"${m.name}"` }));
}

function columns(cx: EditorContext, offset: number): CompletionItem[] {
  const scope = dataInScope(cx, offset);
  return (scope.columns ?? []).map((c) => ({ label: c.name, kind: 'column' as const, detail: c.type, documentation: `column of ${scope.label}` }));
}

function keywordItem(word: string): CompletionItem {
  const d = KEYWORD_DOCS[word];
  return { label: word, kind: 'keyword', detail: d?.syntax.split('\n')[0], documentation: d?.doc };
}

/** Names for a position whose grammar rule is `rule`. */
function namesFor(rule: string, cx: EditorContext, before: IToken[], offset: number, line: number): CompletionItem[] {
  const prev = before[before.length - 1]?.image;
  switch (rule) {
    case 'stageStmt':
    case 'splitStmt':
      return prev === 'stage' || prev === 'into' || (rule === 'splitStmt' && prev === ',') ? [] : names(cx, DATA_KINDS, offset);
    case 'trainStmt':
      return prev === 'train' ? [] : names(cx, DATA_KINDS, offset);
    case 'evalStmt':
      return prev === 'on' ? names(cx, DATA_KINDS) : [];
    case 'modelRef':
      return [...names(cx, new Set(['train stage'])), { label: 'base', kind: 'keyword', detail: 'the base model of the listed train stages' }, ...models(cx, true)];
    case 'primary':
      return [...columns(cx, offset), ...Object.entries(FUNCTIONS).map(([n, f]) => ({ label: n, kind: 'function' as const, detail: f.signature, documentation: f.doc, insertText: `${n}(` }))];
    case 'fieldList':
    case 'balanceOp':
      return columns(cx, offset);
    case 'rolePair':
      return ROLES.map((r) => ({ label: r, kind: 'value' as const }));
    case 'redactItem':
      return BUILTIN_REDACTIONS.map((r) => ({ label: r, kind: 'value' as const, detail: 'built-in redaction' }));
    case 'fileSource':
      return FORMAT_WORDS.map((f) => ({ label: f, kind: 'value' as const, detail: 'format' }));
    case 'workspaceSource':
      return Object.entries(cx.facts.datasets ?? {})
        .filter(([k, f]) => f.ok && !k.includes('@'))
        .map(([k]) => ({ label: k, kind: 'name' as const, detail: 'workspace dataset' }));
    case 'nameArg': {
      const key = currentKey(before, line);
      if (key === 'base') return [...names(cx, new Set(['train stage']), offset), ...models(cx, true)];
      if (key === 'stratify' || key === 'disjoint') return columns(cx, offset);
      if (key === 'on') return earlyStopMetricNames().map((m) => ({ label: m, kind: 'metric' as const }));
      return [];
    }
    case 'word':
    case 'value':
    case 'values':
    case 'list': {
      const key = currentKey(before, line);
      if (!key) return [];
      if (key === 'metrics') return Object.entries(METRICS).map(([m, i]) => ({ label: m, kind: 'metric' as const, documentation: i.doc }));
      if (key === 'targets') return [...LLAMA_TARGETS, ...GPT2_TARGETS].map((t) => ({ label: t, kind: 'value' as const, detail: 'LoRA target module' }));
      if (key === 'warmup' || key === 'eval_every') return [{ label: 'steps', kind: 'value' }];
      if (key === 'grad_clip') return [{ label: 'none', kind: 'value' }];
      for (const ctx of ['train', 'eval', 'style', 'split', 'dedupe near', 'sample', 'balance', 'file source']) {
        const spec = optionTable(ctx)?.[key];
        if (spec?.reader.choices) return spec.reader.choices.map((c: string) => ({ label: c, kind: 'value' as const }));
      }
      return [];
    }
    case 'wordOption': {
      // inside metric(...): the metric is the word before the innermost open parenthesis
      let depth = 0;
      for (let i = before.length - 1; i > 0; i--) {
        if (before[i].tokenType === T.RParen) depth++;
        else if (before[i].tokenType === T.LParen && depth-- === 0) {
          const metric = METRICS[before[i - 1].image];
          if (!metric) return [];
          if (prev === '(' || prev === ',') return Object.entries(metric.options).map(([o, spec]) => ({ label: o, kind: 'option' as const, documentation: spec.doc }));
          const spec = metric.options[prev ?? ''];
          return spec?.kind === 'enum' ? spec.values.map((v) => ({ label: v, kind: 'value' as const })) : spec?.kind === 'column' ? columns(cx, offset) : [];
        }
      }
      return [];
    }
    default:
      return [];
  }
}

export function completions(source: string, offset: number, facts: Facts = {}, cx: EditorContext = editorContext(source, facts)): Completions {
  const tokens = cx.parsed.tokens;
  const inComment = cx.parsed.comments.some((c) => c.startOffset < offset && offset <= c.endOffset! + 1);
  const at = tokenAt(tokens, offset);
  if (inComment || (at && !WORD_TOKENS.has(at.tokenType) && at.startOffset < offset && offset <= at.endOffset!)) return { items: [], replace: { start: offset, end: offset } };
  const typing = at && WORD_TOKENS.has(at.tokenType) ? at : undefined;
  const replace = typing ? { start: typing.startOffset, end: offset } : { start: offset, end: offset };
  const before = tokens.filter((t) => t.endOffset! < replace.start);
  const line = new LineIndex(source).position(offset).line;
  const items = new Map<string, CompletionItem>();
  const add = (i: CompletionItem) => {
    if (!items.has(i.label)) items.set(i.label, i);
  };
  // right after an option key that takes a value: only its values
  const last = before[before.length - 1];
  const lastCats = last?.tokenType.CATEGORIES ?? [];
  const afterKey = last && (lastCats.includes(T.SettingKey) || lastCats.includes(T.NameKey)) && last.endLine === line && !['early_stop', 'generate', 'skip_invalid'].includes(last.image);
  for (const p of assist(before)) {
    const t = p.next;
    if (afterKey && !(t === T.Name || t === T.Identifier || t === T.StringLike || t === T.QuotedIdentifier)) continue;
    const rule = p.ruleStack[p.ruleStack.length - 1] ?? '';
    if (t === T.SettingKey || t === T.NameKey) {
      const table = optionTable(optionContext(p.ruleStack, before));
      for (const [k, spec] of Object.entries(table ?? {})) {
        const cats = T.keywordTokens.get(k)?.CATEGORIES ?? [];
        if (cats.includes(t)) add({ label: k, kind: 'option', detail: spec.reader.describe, documentation: spec.doc + (spec.default !== undefined ? ` (default: ${JSON.stringify(spec.default)})` : '') });
      }
    } else if (T.keywordTokens.get(t.PATTERN as string) === t) {
      // true/false/null are offered only where an expression goes
      if (!['true', 'false', 'null'].includes(t.PATTERN as string) || rule === 'primary') add(keywordItem(t.PATTERN as string));
    } else if (t === T.Name || t === T.Identifier || t === T.QuotedIdentifier || t === T.PlusPlusName) {
      for (const i of namesFor(rule, cx, before, offset, line)) add(i);
    } else if (t === T.StringLike && (rule === 'modelRef' || rule === 'nameArg')) {
      if (rule === 'modelRef' || currentKey(before, line) === 'base') for (const m of models(cx, true)) add(m);
    } else if (SYMBOL_DOCS[t.LABEL?.replace(/'/g, '') ?? ''] && [T.Eq, T.NotEq, T.Less, T.LessEq, T.Greater, T.GreaterEq].includes(t)) {
      const sym = t.LABEL!.replace(/'/g, '');
      add({ label: sym, kind: 'operator', detail: SYMBOL_DOCS[sym].syntax, documentation: SYMBOL_DOCS[sym].doc });
    }
  }
  const prefix = source.slice(replace.start, replace.end).toLowerCase();
  const list = [...items.values()].filter((i) => !prefix || i.label.toLowerCase().startsWith(prefix) || i.label.toLowerCase().startsWith(`"${prefix}`));
  return { items: list, replace };
}
