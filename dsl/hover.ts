/**
 * Hover docs: keywords and operators from the doc table (docs.ts), options from their context's
 * option table, and for names what they are (a stage, a column and its type, a metric, a
 * function).
 */
import { KEYWORD_DOCS, SYMBOL_DOCS, type DocEntry } from './docs.ts';
import { assist, dataInScope, editorContext, optionContext, optionTable, type EditorContext } from './editor-context.ts';
import type { Facts } from './facts.ts';
import { FUNCTIONS } from './functions.ts';
import * as T from './lexer.ts';
import { METRICS, TRAINING_METRICS } from './metrics.ts';
import { walk } from './ast.ts';
import type { Span } from './spans.ts';

export interface HoverInfo {
  span: Span;
  /** Markdown. */
  contents: string;
}

export function docMarkdown(title: string, d: DocEntry): string {
  return `**${title}** *(${d.kind})*\n\n\`\`\`ftp\n${d.syntax}\n\`\`\`\n\n${d.doc}\n\nExample:\n\n\`\`\`ftp\n${d.example}\n\`\`\``;
}

function isSettingKey(cx: EditorContext, offset: number): boolean {
  let found = false;
  walk(cx.parsed.ast, (n) => {
    if (n.kind === 'Setting' && n.key.span.start === offset) found = true;
  });
  return found;
}

export function hover(source: string, offset: number, facts: Facts = {}, cx: EditorContext = editorContext(source, facts)): HoverInfo | null {
  const tokens = cx.parsed.tokens;
  const i = tokens.findIndex((t) => t.startOffset <= offset && offset <= t.endOffset!);
  if (i === -1) return null;
  const t = tokens[i];
  const span = { start: t.startOffset, end: t.endOffset! + 1 };
  const word = t.tokenType === T.QuotedIdentifier ? t.image.slice(1, -1) : t.image;
  const cats = t.tokenType.CATEGORIES ?? [];

  if ((cats.includes(T.SettingKey) || cats.includes(T.NameKey)) && isSettingKey(cx, t.startOffset)) {
    const before = tokens.slice(0, i);
    const path = assist(before).find((p) => p.next === T.SettingKey || p.next === T.NameKey);
    const context = path ? optionContext(path.ruleStack, before) : null;
    const spec = optionTable(context)?.[word];
    if (spec) {
      const def = spec.default !== undefined ? `\n\nDefault: \`${JSON.stringify(spec.default)}\`` : '';
      return { span, contents: `**${word}** *(${context} option)*\n\n${spec.doc}\n\nValue: ${spec.reader.describe}${def}` };
    }
  }
  if (T.keywordTokens.get(t.image) === t.tokenType && KEYWORD_DOCS[t.image]) return { span, contents: docMarkdown(t.image, KEYWORD_DOCS[t.image]) };
  const sym = t.tokenType === T.EqEq ? '=' : t.image === '<>' ? '!=' : t.image;
  if (SYMBOL_DOCS[sym]) return { span, contents: docMarkdown(sym, SYMBOL_DOCS[sym]) };
  if (t.tokenType === T.Percent) return { span, contents: docMarkdown('%', SYMBOL_DOCS['%']) };

  if (t.tokenType.CATEGORIES?.includes(T.Name) || t.tokenType === T.PlusPlusName) {
    const def = cx.defs.get(word);
    if (def && !(def.span.start === t.startOffset)) {
      return { span, contents: `**${word}** — ${def.kind}\n\n\`\`\`ftp\n${source.slice(def.stmt.span.start, Math.min(def.stmt.span.end, def.stmt.span.start + 200)).split('\n')[0]}\n\`\`\`` };
    }
    if (def) return { span, contents: `**${word}** — ${def.kind} (defined here)` };
    const next = tokens[i + 1];
    if (FUNCTIONS[word] && next?.tokenType === T.LParen) return { span, contents: `**${FUNCTIONS[word].signature}**\n\n${FUNCTIONS[word].doc}` };
    if (METRICS[word]) return { span, contents: `**${word}** *(metric, ${METRICS[word].range}, ${METRICS[word].direction === 'max' ? 'higher is better' : 'lower is better'})*\n\n${METRICS[word].doc}` };
    if (TRAINING_METRICS[word]) return { span, contents: `**${word}** *(training metric)*\n\n${TRAINING_METRICS[word].doc}` };
    const scope = dataInScope(cx, offset);
    const col = scope.columns?.find((c) => c.name === word);
    if (col) return { span, contents: `**${word}** — column of ${scope.label}: \`${col.type}\`` };
    if (word === 'base') return { span, contents: '**base** — in an eval list: the base model the listed train stages start from' };
  }
  return null;
}
