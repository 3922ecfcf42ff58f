/**
 * The .ftp language for Monaco, through the shared registerLanguage door: the Monarch tokens come
 * from dsl/ (generated from the lexer's own tokens), and completion, hover, go to definition and
 * format document are dsl/language.ts's services, fed the checker's current facts. Diagnostics
 * are not a service here: the page shows the checker's (FtpChecker) as markers, so a change of
 * facts (after a save) re-checks without an edit.
 */
import type * as MonacoNs from 'monaco-editor/editor/editor.api';
import type { EditorLanguage } from '$lib/editor/language';
import type { Completion, CompletionKind, Position, Span } from '$lib/editor/types';
import type { Facts } from '../../../dsl/facts.ts';
import type { DslModule } from './checker.svelte.ts';

const KINDS: Record<string, CompletionKind> = {
  keyword: 'keyword',
  option: 'property',
  column: 'column',
  name: 'stage',
  model: 'model',
  metric: 'metric',
  function: 'function',
  operator: 'operator',
  value: 'value'
};

export const FTP_CONFIGURATION: MonacoNs.languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')']
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
    { open: '`', close: '`', notIn: ['string', 'comment'] }
  ],
  surroundingPairs: [
    { open: '"', close: '"' },
    { open: '(', close: ')' },
    { open: '[', close: ']' }
  ],
  indentationRules: { increaseIndentPattern: /\{\s*(#.*)?$/, decreaseIndentPattern: /^\s*\}/ }
};

export function ftpLanguage(dsl: DslModule, facts: () => Facts): EditorLanguage {
  const offsetOf = (text: string, at: Position) => new dsl.LineIndex(text).offset(at);
  const spanOf = (text: string, s: { start: number; end: number }): Span => {
    const index = new dsl.LineIndex(text);
    return { start: index.position(s.start), end: index.position(s.end) };
  };
  return {
    id: 'ftp',
    extensions: ['.ftp'],
    aliases: ['FTP pipeline', 'ftp'],
    monarch: dsl.monarchLanguage() as unknown as MonacoNs.languages.IMonarchLanguage,
    configuration: FTP_CONFIGURATION,
    triggerCharacters: ['"', '@', '(', ','],
    services: {
      complete(text, at) {
        const r = dsl.completions(text, offsetOf(text, at), facts());
        return r.items.map(
          (c): Completion => ({ label: c.label, kind: KINDS[c.kind] ?? 'value', insertText: c.insertText, detail: c.detail, documentation: c.documentation })
        );
      },
      hover(text, at) {
        const h = dsl.hover(text, offsetOf(text, at), facts());
        return h ? { markdown: h.contents, span: spanOf(text, h.span) } : null;
      },
      definition(text, at) {
        const s = dsl.definition(text, offsetOf(text, at));
        return s ? spanOf(text, s) : null;
      },
      format(text) {
        return dsl.formatDocument(text) ?? text;
      }
    }
  };
}
