/**
 * parse(): source text → AST + diagnostics. Never throws on any input; lexer errors, syntax
 * errors and bad string escapes all become coded diagnostics, and the AST is as complete as
 * error recovery allows (for the editor services).
 */
import { EOF, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { Program } from './ast.ts';
import { AstBuilder } from './build-ast.ts';
import type * as C from './cst.d.ts';
import { diag, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import * as T from './lexer.ts';
import { ftpParser, parseTokens, type SyntaxErrorInfo } from './parser.ts';
import { closest } from './suggest.ts';

export interface ParseResult {
  source: string;
  ast: Program;
  diagnostics: Diagnostic[];
  /** The tokens the parser saw (comments excluded). */
  tokens: IToken[];
  comments: IToken[];
}

const WORD_TYPES = new Set<TokenType>([T.Identifier, T.QuotedIdentifier, T.PlusPlusName, ...T.keywordTokens.values()]);

function describeToken(t: IToken): string {
  if (t.tokenType === EOF) return 'end of file';
  if (WORD_TYPES.has(t.tokenType)) return `'${t.image}'`;
  if (T.StringLike.categoryMatchesMap?.[t.tokenTypeIdx]) return 'a string';
  const image = t.image.length > 20 ? `${t.image.slice(0, 20)}…` : t.image;
  return `'${image}'`;
}

/** Where we were, in words, for "unexpected X in a stage". */
const RULE_CONTEXT: Record<string, string> = {
  stageStmt: 'in a stage',
  operator: 'in a stage',
  block: 'in a block',
  setting: 'in a block',
  expression: 'in a filter expression',
  predicate: 'in a filter expression',
  primary: 'in a filter expression',
  program: 'at the top level (expected pipeline, dataset, stage, split, train or eval)',
  statement: 'at the top level (expected pipeline, dataset, stage, split, train or eval)'
};

/** Unterminated strings are reported, then parsed as if they were closed. */
function repairTokens(tokens: IToken[], diagnostics: Diagnostic[]): IToken[] {
  return tokens.map((t) => {
    if (!T.ERROR_TOKENS.has(t.tokenType)) return t;
    const triple = t.tokenType === T.UnterminatedTripleString;
    diagnostics.push(diag('E002', { start: t.startOffset, end: triple ? t.startOffset + 3 : t.endOffset! + 1 }, { triple }));
    const type = triple ? T.TripleString : T.PlainString;
    return { ...t, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
  });
}

/** Keywords that could come next after `before` (content assist), for expected-lists and hints. */
function nextKeywords(before: IToken[]): { labels: string[]; words: string[] } {
  let paths: ReturnType<ReturnType<typeof ftpParser>['computeContentAssist']> = [];
  try {
    paths = ftpParser().computeContentAssist('program', before);
  } catch {
    return { labels: [], words: [] };
  }
  const labels = new Set<string>();
  const words = new Set<string>();
  for (const p of paths) {
    const t = p.nextTokenType;
    if (t === T.SettingKey || t === T.NameKey) {
      for (const [w, k] of T.keywordTokens) if (k.CATEGORIES?.includes(t)) words.add(w);
      labels.add('an option');
    } else if (T.keywordTokens.get(t.PATTERN as string) === t) {
      words.add(t.PATTERN as string);
      labels.add(`'${t.PATTERN as string}'`);
    } else labels.add(t.LABEL ?? t.name);
  }
  return { labels: [...labels], words: [...words] };
}

/** `assist`: ask the parser what could come next (costs a re-parse up to the error; done for the first few errors only). */
function syntaxDiagnostic(e: IRecognitionException, tokens: IToken[], sourceLength: number, assist: boolean): Diagnostic {
  let info: SyntaxErrorInfo;
  try {
    info = JSON.parse(e.message) as SyntaxErrorInfo;
  } catch {
    info = { kind: 'no-viable', expected: [], rule: '' };
  }
  const tok = e.token;
  const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
  const idx = atEnd ? tokens.length : tokens.findIndex((t) => t.startOffset === tok.startOffset);
  const span = atEnd ? { start: sourceLength, end: sourceLength } : { start: tok.startOffset, end: tok.endOffset! + 1 };
  const next = assist ? nextKeywords(tokens.slice(0, Math.max(0, idx))) : { labels: [], words: [] };
  const expected = next.labels.length ? next.labels : info.expected;
  if (atEnd) return diag('E006', span, { expected });
  const isWord = WORD_TYPES.has(tok.tokenType);
  if (info.kind === 'mismatch' && !isWord && info.expected.length === 1) {
    return diag('E004', span, { expected: info.expected[0], found: describeToken(tok) });
  }
  const suggestion = isWord ? closest(tok.image, next.words) : null;
  const ruleStack = e.context?.ruleStack ?? [];
  const rule = [...ruleStack].reverse().find((r) => RULE_CONTEXT[r]);
  return diag('E005', span, { found: describeToken(tok), expected, suggestion, context: rule ? RULE_CONTEXT[rule] : '' });
}

export function parse(source: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = T.lex(source);
  for (const e of lexed.errors) {
    diagnostics.push(diag('E001', { start: e.offset, end: e.offset + e.length }, { char: source.slice(e.offset, e.offset + Math.min(e.length, 20)) }));
  }
  const tokens = repairTokens(lexed.tokens, diagnostics);
  const comments = (lexed.groups.comments ?? []) as IToken[];
  const { cst, parser } = parseTokens(tokens);
  // one syntax error per token: recovery can report the same spot several times; and none right
  // after a bad character on the same line (it is the character's fault)
  const seen = new Set<number>();
  const badLines = lexed.errors.map((e) => ({ line: e.line ?? -1, offset: e.offset }));
  for (const e of parser.errors) {
    const key = Number.isNaN(e.token.startOffset) ? -1 : e.token.startOffset;
    if (seen.has(key) || badLines.some((b) => b.line === e.token.startLine && b.offset < key)) continue;
    seen.add(key);
    diagnostics.push(syntaxDiagnostic(e, tokens, source.length, seen.size <= 5));
  }
  const builder = new AstBuilder(source.length);
  const ast = builder.program(cst as C.ProgramCstNode, comments);
  diagnostics.push(...builder.diagnostics);
  return { source, ast, diagnostics: sortDiagnostics(diagnostics), tokens, comments };
}
