/**
 * Editor services for the Monaco editor (and any other client): highlighting, completion,
 * hover, go-to-definition and formatting. All take the source text and 0-based offsets; convert
 * to Monaco's 1-based line/column with LineIndex at the edge.
 *
 *   monaco.languages.register({ id: 'ftp' });
 *   monaco.languages.setMonarchTokensProvider('ftp', monarchLanguage());
 *   provideCompletionItems: completions(text, offset, facts)
 *   provideHover: hover(text, offset, facts)
 *   provideDefinition: definition(text, offset)
 *   provideDocumentFormattingEdits: formatDocument(text)
 *   markers: check(parse(text), facts).diagnostics → toMarkers(...)
 */
import type { Diagnostic } from './diagnostics.ts';
import { definitions } from './editor-context.ts';
import { format } from './format.ts';
import { parse } from './parse.ts';
import { LineIndex, type Span } from './spans.ts';

export { completions, type CompletionItem, type Completions } from './completion.ts';
export { hover, type HoverInfo } from './hover.ts';
export { monarchLanguage, type MonarchLanguage } from './monarch.ts';
export { editorContext, type EditorContext } from './editor-context.ts';

/** The definition of the name under the cursor (a dataset, stage, split part, train stage). */
export function definition(source: string, offset: number): Span | null {
  const parsed = parse(source);
  const t = parsed.tokens.find((x) => x.startOffset <= offset && offset <= x.endOffset! + 1 && x.tokenType.CATEGORIES?.some((c) => c.name === 'Name'));
  if (!t) return null;
  const name = t.image.startsWith('`') ? t.image.slice(1, -1) : t.image;
  const def = definitions(parsed.ast).get(name);
  if (!def || def.span.start === t.startOffset) return null;
  return def.span;
}

/** The whole document, formatted; null when it has syntax errors (leave it as it is). */
export function formatDocument(source: string): string | null {
  return format(source);
}

export interface Marker {
  severity: 'error' | 'warning';
  message: string;
  code: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** Diagnostics as Monaco markers (1-based lines and columns). */
export function toMarkers(source: string, diagnostics: readonly Diagnostic[]): Marker[] {
  const index = new LineIndex(source);
  return diagnostics.map((d) => {
    const s = index.position(d.span.start);
    const e = index.position(Math.max(d.span.end, d.span.start + 1));
    const help = d.help.length ? `\n${d.help.map((h) => `help: ${h}`).join('\n')}` : '';
    return { severity: d.severity, message: d.message + help, code: d.code, startLineNumber: s.line, startColumn: s.column, endLineNumber: e.line, endColumn: e.column };
  });
}
