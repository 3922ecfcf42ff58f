/**
 * Shared by the editor services: where the cursor is (which token, which grammar rule, which
 * option context), what names the file defines, and what columns each data name has. Works on
 * incomplete text: the AST may be partial and the parser's content assist tells what may come
 * next at any point.
 */
import type { IToken } from 'chevrotain';
import type * as A from './ast.ts';
import { checkProgram } from './check.ts';
import type { ColumnFact, Facts } from './facts.ts';
import * as T from './lexer.ts';
import { OPTION_CONTEXTS } from './option-tables.ts';
import type { OptionTable } from './options.ts';
import { parse, type ParseResult } from './parse.ts';
import { ftpParser } from './parser.ts';
import type { Span } from './spans.ts';

export const WORD_TOKENS = new Set<T.TokenType>([T.Identifier, T.QuotedIdentifier, T.PlusPlusName, ...T.keywordTokens.values()]);

export interface EditorContext {
  source: string;
  parsed: ParseResult;
  facts: Facts;
  /** Columns of each data name (from a check that tolerates parse errors). */
  schemas: Record<string, ColumnFact[] | null>;
  defs: Map<string, { kind: string; span: Span; stmt: A.Statement }>;
}

export function editorContext(source: string, facts: Facts = {}): EditorContext {
  const parsed = parse(source);
  let schemas: Record<string, ColumnFact[] | null> = {};
  try {
    schemas = checkProgram(parsed.ast, facts, source).schemas;
  } catch {
    // a partial tree may surprise the checker; the services then work without columns
  }
  return { source, parsed, facts, schemas, defs: definitions(parsed.ast) };
}

export function definitions(ast: A.Program): EditorContext['defs'] {
  const defs: EditorContext['defs'] = new Map();
  const add = (id: A.Ident | null, kind: string, stmt: A.Statement) => {
    if (id?.name && !defs.has(id.name)) defs.set(id.name, { kind, span: id.span, stmt });
  };
  for (const s of ast.statements) {
    if (s.kind === 'Dataset') add(s.name, 'dataset', s);
    else if (s.kind === 'Stage') add(s.name, 'stage', s);
    else if (s.kind === 'Split') for (const p of s.parts) add(p.name, 'split part', s);
    else if (s.kind === 'Train') add(s.name, 'train stage', s);
    else if (s.kind === 'Eval') add(s.name, 'eval', s);
  }
  return defs;
}

/** The token containing `offset` (a cursor right after a word counts as in it). */
export function tokenAt(tokens: IToken[], offset: number): IToken | undefined {
  return tokens.find((t) => t.startOffset <= offset && offset <= t.endOffset! + 1 && (offset <= t.endOffset! || WORD_TOKENS.has(t.tokenType)));
}

export interface AssistPath {
  next: T.TokenType;
  ruleStack: string[];
}

export function assist(before: IToken[]): AssistPath[] {
  try {
    return ftpParser()
      .computeContentAssist('program', before)
      .map((p) => ({ next: p.nextTokenType, ruleStack: p.ruleStack }));
  } catch {
    return [];
  }
}

/** The option context (a key of OPTION_CONTEXTS) a rule stack is in, if any. */
export function optionContext(ruleStack: string[], before: IToken[]): string | null {
  const blocks = ruleStack.filter((r) => r === 'block').length;
  if (ruleStack.includes('fileSource') && blocks) return 'file source';
  if (ruleStack.includes('trainStmt') && blocks) return 'train';
  if (ruleStack.includes('evalStmt') && blocks) return blocks > 1 ? 'style' : 'eval';
  if (ruleStack.includes('inlineSettings') || ruleStack.includes('inlineSetting')) {
    if (ruleStack.includes('splitStmt')) return 'split';
    if (ruleStack.includes('sampleOp')) return 'sample';
    if (ruleStack.includes('balanceOp')) return 'balance';
    if (ruleStack.includes('dedupeOp')) {
      for (let i = before.length - 1; i >= 0; i--) {
        const w = before[i].image;
        if (w === 'near' || w === 'exact') return `dedupe ${w}`;
        if (w === 'dedupe') break;
      }
      return 'dedupe near';
    }
  }
  return null;
}

export function optionTable(context: string | null): OptionTable | null {
  return context ? (OPTION_CONTEXTS[context] ?? null) : null;
}

/** The option key whose values the cursor is at: the nearest key token, on the cursor's line. */
export function currentKey(before: IToken[], cursorLine: number): string | null {
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (t.endLine !== cursorLine || t.tokenType === T.LCurly || t.tokenType === T.RCurly) return null;
    const cats = t.tokenType.CATEGORIES ?? [];
    if (cats.includes(T.SettingKey) || cats.includes(T.NameKey)) return t.image;
  }
  return null;
}

/** The statement the cursor is in: the last one starting before it (incomplete ones included). */
export function statementAt(ast: A.Program, offset: number): A.Statement | undefined {
  let found: A.Statement | undefined;
  for (const s of ast.statements) if (s.span.start <= offset) found = s;
  return found;
}

/** The data names a stage/split/train/eval statement around `offset` reads. */
export function dataInScope(cx: EditorContext, offset: number): { label: string; columns: ColumnFact[] | null } {
  const stmt = statementAt(cx.parsed.ast, offset);
  const names = !stmt ? [] : stmt.kind === 'Stage' ? stmt.inputs.map((i) => i.name) : stmt.kind === 'Split' ? [stmt.input.name] : stmt.kind === 'Train' || stmt.kind === 'Eval' ? [stmt.data.name] : [];
  const cols: ColumnFact[] = [];
  for (const n of names) for (const c of cx.schemas[n] ?? []) if (!cols.some((x) => x.name === c.name)) cols.push(c);
  return { label: names.join(' + '), columns: names.length && names.every((n) => cx.schemas[n]) ? cols : null };
}
