/**
 * The generated parts of reference.md, rendered from the same tables that hover, completion and
 * the checker use (docs.ts, option-tables.ts, metrics.ts, functions.ts, diagnostics.ts). A test
 * compares reference.md's marked sections with these and UPDATE_GOLDEN=1 rewrites them.
 */
import { CODES } from './diagnostics.ts';
import { KEYWORD_DOCS, LITERAL_DOCS, SYMBOL_DOCS, type DocEntry } from './docs.ts';
import { FUNCTIONS } from './functions.ts';
import { METRICS, TRAINING_METRICS } from './metrics.ts';
import { OPTION_CONTEXTS } from './option-tables.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

function docTable(entries: [string, DocEntry][]): string {
  const rows = entries.map(([w, d]) => `| ${code(w)} | ${cell(d.syntax.split('\n').map((l) => l).join('\n'))} | ${cell(d.doc)} |`);
  return ['| word | syntax | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const GENERATED_SECTIONS: Record<string, () => string> = {
  statements: () => docTable(Object.entries(KEYWORD_DOCS).filter(([, d]) => d.kind === 'statement')),
  operators: () => docTable(Object.entries(KEYWORD_DOCS).filter(([, d]) => d.kind === 'operator')),
  connectors: () => docTable(Object.entries(KEYWORD_DOCS).filter(([, d]) => d.kind === 'connector')),
  expressions: () => docTable([...Object.entries(KEYWORD_DOCS).filter(([, d]) => d.kind === 'expression' || d.kind === 'literal'), ...Object.entries(SYMBOL_DOCS)]),
  literals: () => ['| form | meaning | example |', '| --- | --- | --- |', ...LITERAL_DOCS.map((d) => `| ${code(d.syntax)} | ${cell(d.doc)} | ${code(d.example.replace(/\n/g, ' '))} |`)].join('\n'),
  functions: () => ['| function | meaning |', '| --- | --- |', ...Object.values(FUNCTIONS).map((f) => `| ${code(f.signature)} | ${cell(f.doc)} |`)].join('\n'),
  options: () =>
    Object.entries(OPTION_CONTEXTS)
      .filter(([, t]) => Object.keys(t).length > 0)
      .map(([ctx, table]) =>
        [
          `#### ${ctx}`,
          '',
          '| option | value | default | meaning |',
          '| --- | --- | --- | --- |',
          ...Object.entries(table).map(([k, s]) => `| ${code(k)} | ${cell(s.reader.describe)} | ${s.default === undefined ? '' : code(JSON.stringify(s.default))} | ${cell(s.doc)}${s.repeat ? ' (may repeat)' : ''} |`)
        ].join('\n')
      )
      .join('\n\n'),
  metrics: () =>
    [
      '| metric | range | better | options | meaning |',
      '| --- | --- | --- | --- | --- |',
      ...Object.entries(METRICS).map(([m, i]) => {
        const opts = Object.entries(i.options)
          .map(([o, s]) => (s.kind === 'enum' ? `${o} (${s.values.join('/')}; default ${s.default})` : s.kind === 'bool' ? `${o} (flag; default ${s.default})` : `${o} COLUMN (required)`))
          .join('; ');
        return `| ${code(m)} | ${i.range} | ${i.direction === 'max' ? 'higher' : 'lower'} | ${cell(opts)} | ${cell(i.doc)} |`;
      }),
      ...Object.entries(TRAINING_METRICS).map(([m, i]) => `| ${code(m)} | | ${i.direction === 'max' ? 'higher' : 'lower'} | | ${cell(i.doc)} (early stopping only) |`)
    ].join('\n'),
  diagnostics: () => ['| code | severity | what |', '| --- | --- | --- |', ...Object.entries(CODES).map(([c, d]) => `| ${c} | ${d.severity} | ${d.title} |`)].join('\n')
};

/** Replaces every `<!-- generated:NAME -->...<!-- /generated:NAME -->` section of `text`. */
export function fillGenerated(text: string): string {
  return text.replace(/<!-- generated:([a-z]+) -->[\s\S]*?<!-- \/generated:\1 -->/g, (_m, name: string) => {
    const render = GENERATED_SECTIONS[name];
    if (!render) throw new Error(`reference.md names an unknown generated section '${name}'`);
    return `<!-- generated:${name} -->\n${render()}\n<!-- /generated:${name} -->`;
  });
}
