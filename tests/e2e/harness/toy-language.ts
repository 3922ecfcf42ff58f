/**
 * A toy language for the harness, shaped like what dsl/language.ts will provide for .ftp:
 * `def NAME` defines, `use NAME` refers, the word `bad` is an error, keywords format to lower case.
 */
import type { EditorLanguage } from '../../../src/lib/editor/language.ts';
import type { Diagnostic, Span } from '../../../src/lib/editor/types.ts';

function find(text: string, re: RegExp): { line: number; column: number; match: RegExpExecArray }[] {
  const out: { line: number; column: number; match: RegExpExecArray }[] = [];
  text.split('\n').forEach((l, i) => {
    const g = new RegExp(re.source, 'g');
    for (let m = g.exec(l); m; m = g.exec(l)) out.push({ line: i + 1, column: m.index + 1, match: m });
  });
  return out;
}

export const toyLanguage: EditorLanguage = {
  id: 'toy',
  monarch: {
    ignoreCase: true,
    keywords: ['def', 'use'],
    tokenizer: { root: [[/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }]] }
  },
  services: {
    diagnose(text) {
      return find(text, /\bbad\b/).map(
        (f): Diagnostic => ({ severity: 'error', message: "'bad' is not allowed here", code: 'toy/bad', span: { start: { line: f.line, column: f.column }, end: { line: f.line, column: f.column + 3 } } })
      );
    },
    hover(text, at) {
      const hit = find(text, /\b(def|use)\b/i).find((f) => f.line === at.line && at.column >= f.column && at.column <= f.column + 3);
      return hit ? { markdown: `**${hit.match[1].toLowerCase()}** keyword docs` } : null;
    },
    definition(text, at) {
      const use = find(text, /\buse (\w+)/i).find((f) => f.line === at.line && at.column >= f.column + 4);
      if (!use) return null;
      const def = find(text, new RegExp(`\\bdef (${use.match[1]})\\b`, 'i'))[0];
      return def ? ({ start: { line: def.line, column: def.column + 4 }, end: { line: def.line, column: def.column + 4 + use.match[1].length } } satisfies Span) : null;
    },
    format: (text) => text.replace(/\b(DEF|USE)\b/gi, (k) => k.toLowerCase()),
    complete: () => [
      { label: 'def', kind: 'keyword', documentation: 'defines a name' },
      { label: 'use', kind: 'keyword' }
    ]
  }
};
