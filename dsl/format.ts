/**
 * The formatter: canonical spacing and indentation, gofmt-style — it keeps the author's line
 * breaks (at most one blank line in a row) and comments, and normalises everything else:
 * two-space indentation per block, one space between tokens, none inside brackets or around @,
 * `==` → `=`, `<>` → `!=`. Every statement and operator starts a line; a block written on one
 * line may stay on one line. Works on the token stream, so parse(format(x)) has the same AST as
 * parse(x) by construction; the AST only says where statements, operators and settings begin
 * and which minus signs are unary.
 *
 * Returns null for a file with syntax errors (there is nothing canonical to produce).
 */
import type { IToken } from 'chevrotain';
import { walk, type AnyNode } from './ast.ts';
import * as T from './lexer.ts';
import { parse } from './parse.ts';

const NO_SPACE_AFTER = new Set<T.TokenType>([T.LParen, T.LBracket, T.At]);
const NO_SPACE_BEFORE = new Set<T.TokenType>([T.RParen, T.RBracket, T.Comma, T.At]);
/** Tokens a `(` sticks to: function and metric names (not reserved words such as `not`). */
const CALLABLE = (t: T.TokenType) => t === T.PlusPlusName || (t.CATEGORIES ?? []).includes(T.Name);

function image(t: IToken): string {
  if (t.tokenType === T.EqEq) return '=';
  if (t.tokenType === T.NotEq) return '!=';
  return t.image;
}

export function format(source: string): string | null {
  const parsed = parse(source);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return null;

  // where lines must start, and which '-' are unary
  const lineStarts = new Set<number>(); // statements and operators: always start a line
  const itemStarts = new Set<number>(); // ... and block settings: a line starting there is not a continuation
  const unaryMinus = new Set<number>();
  walk(parsed.ast, (n: AnyNode, parent) => {
    if (n.kind === 'Setting' && parent?.kind === 'Block') itemStarts.add(n.span.start);
    else if ('head' in n) {
      lineStarts.add(n.head.start);
      itemStarts.add(n.head.start);
    }
    if (n.kind === 'Unary' && n.op === '-') unaryMinus.add(n.span.start);
    if (n.kind === 'Number' && n.text.startsWith('-')) unaryMinus.add(n.span.start);
  });

  const tokens = [...parsed.tokens, ...parsed.comments].sort((a, b) => a.startOffset - b.startOffset);
  // braces that open a block written on one line stay inline
  const inline = new Set<number>();
  const stack: IToken[] = [];
  const line = (t: IToken) => t.startLine ?? 0;
  for (const t of tokens) {
    if (t.tokenType === T.LCurly) stack.push(t);
    else if (t.tokenType === T.RCurly) {
      const open = stack.pop();
      if (open && line(open) === line(t)) {
        inline.add(open.startOffset);
        inline.add(t.startOffset);
      }
    }
  }

  let out = '';
  let depth = 0;
  let inlineDepth = 0;
  let prev: IToken | null = null;
  for (const t of tokens) {
    const isComment = t.tokenType === T.Comment;
    const closes = t.tokenType === T.RCurly && !inline.has(t.startOffset);
    if (closes) depth = Math.max(0, depth - 1);
    const breaks = prev ? (source.slice(prev.endOffset! + 1, t.startOffset).match(/\r\n|\r|\n/g) ?? []).length : 0;
    const forced = prev !== null && inlineDepth === 0 && (lineStarts.has(t.startOffset) || closes || (prev.tokenType === T.LCurly && !inline.has(prev.startOffset)));
    if (prev === null) {
      out += image(t);
    } else if (breaks > 0 || forced) {
      const continuation = !isComment && !closes && !itemStarts.has(t.startOffset);
      out += '\n'.repeat(Math.min(Math.max(breaks, 1), 2)) + '  '.repeat(depth + (continuation ? 1 : 0)) + image(t);
    } else {
      const tight =
        NO_SPACE_AFTER.has(prev.tokenType) ||
        NO_SPACE_BEFORE.has(t.tokenType) ||
        (t.tokenType === T.LParen && CALLABLE(prev.tokenType)) ||
        (prev.tokenType === T.Minus && unaryMinus.has(prev.startOffset) && t.tokenType !== T.Minus) ||
        (prev.tokenType === T.LCurly && t.tokenType === T.RCurly);
      out += (isComment ? '  ' : tight ? '' : ' ') + image(t);
    }
    if (t.tokenType === T.LCurly) {
      if (inline.has(t.startOffset)) inlineDepth++;
      else depth++;
    } else if (t.tokenType === T.RCurly && inline.has(t.startOffset)) inlineDepth = Math.max(0, inlineDepth - 1);
    prev = t;
  }
  return out.replace(/[ \t]+$/gm, '') + (out ? '\n' : '');
}
