/**
 * The documentation cannot drift from the language: every keyword has a doc entry or an option
 * table entry, every doc example parses, reference.md's generated sections equal what the doc
 * tables render (UPDATE_GOLDEN=1 rewrites them), and every `ftp` example in reference.md checks
 * without errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORD_DOCS, LITERAL_DOCS, SYMBOL_DOCS } from '../../dsl/docs.ts';
import { renderDiagnostics, parse } from '../../dsl/index.ts';
import { CONNECTOR_WORDS, NAME_KEYS, OPERATOR_WORDS, OPTION_KEYS, RESERVED_WORDS, SETTING_KEYS, STATEMENT_WORDS } from '../../dsl/keys.ts';
import { keywordTokens } from '../../dsl/lexer.ts';
import { OPTION_CONTEXTS } from '../../dsl/option-tables.ts';
import { fillGenerated } from '../../dsl/reference-gen.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { checkFixture } from './fixture-facts.ts';

const REFERENCE = path.join(REPO_ROOT, 'dsl', 'reference.md');

/** Puts a doc example where it belongs: a statement at the top, an option in a train block, else an operator in a stage. */
function wrap(example: string): string {
  const first = example.trim().split(/\s+/)[0];
  const head = 'pipeline p\ndataset t from workspace support\n';
  if ((STATEMENT_WORDS as readonly string[]).includes(first)) return head + example + '\n';
  if (OPTION_KEYS.includes(first)) return `${head}train m from t {\n  base "tinystories-260k"\n  ${example}\n}\n`;
  return `${head}stage s from t {\n  ${example}\n}\n`;
}

describe('keywords and their docs', () => {
  it('every statement, operator, connector and reserved word has a doc entry', () => {
    for (const w of [...STATEMENT_WORDS, ...OPERATOR_WORDS, ...CONNECTOR_WORDS, ...RESERVED_WORDS]) expect(KEYWORD_DOCS[w], w).toBeDefined();
    for (const w of Object.keys(KEYWORD_DOCS)) expect(keywordTokens.has(w), `${w} is documented but not a keyword`).toBe(true);
  });

  it('every option keyword is an option of some context, and every option is a keyword', () => {
    const options = new Set(Object.values(OPTION_CONTEXTS).flatMap((t) => Object.keys(t)));
    for (const k of [...NAME_KEYS, ...SETTING_KEYS]) expect(options.has(k), `${k} is a keyword but no option`).toBe(true);
    for (const k of options) expect(keywordTokens.has(k), `${k} is an option but not a keyword`).toBe(true);
  });

  it('every doc example parses', () => {
    const examples = [...Object.values(KEYWORD_DOCS), ...Object.values(SYMBOL_DOCS), ...LITERAL_DOCS].map((d) => d.example);
    for (const e of examples) {
      const src = wrap(e);
      expect(renderDiagnostics(parse(src).diagnostics.filter((d) => d.severity === 'error'), src, 'example.ftp'), e).toBe('');
    }
  });

  it('every operator example checks cleanly', async () => {
    for (const d of Object.values(KEYWORD_DOCS).filter((x) => x.kind === 'operator')) {
      const src = wrap(d.example);
      const { result } = await checkFixture(src);
      expect(renderDiagnostics(result.diagnostics, src, 'example.ftp'), d.example).toBe('');
    }
  });
});

describe('reference.md', () => {
  const text = fs.readFileSync(REFERENCE, 'utf8');

  it('its generated sections match the doc tables', () => {
    const filled = fillGenerated(text);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(REFERENCE, filled);
    else expect(text).toBe(filled);
  });

  const blocks = [...text.matchAll(/```ftp\n([\s\S]*?)```/g)].map((m) => m[1]);
  it('has an example for every statement and operator', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    for (const w of [...STATEMENT_WORDS, ...OPERATOR_WORDS]) expect(blocks.some((b) => new RegExp(`(^|\\s)${w}\\s`, 'm').test(b)), w).toBe(true);
  });

  blocks.forEach((b, i) => {
    it(`example ${i + 1} checks without errors or warnings`, async () => {
      const { result } = await checkFixture(b);
      expect(renderDiagnostics(result.diagnostics, b, `example-${i + 1}.ftp`)).toBe('');
    });
  });
});
