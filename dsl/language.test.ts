import { describe, expect, it } from 'vitest';
import { CONNECTOR_WORDS, NAME_KEYS, OPERATOR_WORDS, RESERVED_WORDS, SETTING_KEYS, STATEMENT_WORDS } from './keys.ts';
import { completions, definition, formatDocument, hover, monarchLanguage, toMarkers } from './language.ts';
import * as T from './lexer.ts';
import { check, parse, type Facts } from './index.ts';

const columns = ['conversation_id', 'intent', 'style', 'turns', 'user_text', 'assistant_text', 'chars'].map((name) => ({ name, type: name === 'turns' || name === 'chars' ? 'INTEGER' : 'VARCHAR' }));
const facts: Facts = { datasets: { support: { ok: true, columns } }, models: [{ name: 'tinystories-260k', arch: 'llama' }] };
const HEAD = 'pipeline p\ndataset tickets from workspace support\n';

/** Completion labels at the `|` in `text`. */
function at(text: string): string[] {
  const offset = text.indexOf('|');
  return completions(text.replace('|', ''), offset, facts).items.map((i) => i.label);
}

describe('completion', () => {
  it('statements at the top level', () => {
    expect(at('|')).toEqual(['pipeline', 'dataset', 'stage', 'split', 'train', 'eval']);
  });
  it('operators in a stage, options after an operator', () => {
    expect(at(`${HEAD}stage s from tickets {\n  |`)).toEqual(expect.arrayContaining(['filter', 'dedupe', 'redact', 'sample', 'limit', 'system_prompt', 'map', 'balance']));
    expect(at(`${HEAD}stage s from tickets {\n  dedupe near on user_text |`)).toEqual(expect.arrayContaining(['threshold', 'ngram', 'permutations', 'bands']));
  });
  it('column names of the referenced dataset in a filter, narrowed by what is typed', () => {
    expect(at(`${HEAD}stage s from tickets {\n  filter |`)).toEqual(expect.arrayContaining(['intent', 'turns', 'user_text', 'length']));
    expect(at(`${HEAD}stage s from tickets {\n  filter tu|`)).toEqual(['turns']);
    expect(at(`${HEAD}stage s from tickets {\n  filter turns > 2 and in|`)).toEqual(['intent']);
  });
  it('operators after an expression', () => {
    expect(at(`${HEAD}stage s from tickets {\n  filter turns |`)).toEqual(expect.arrayContaining(['=', '>=', 'between', 'in', 'is']));
  });
  it('data names after from, and not the stage itself', () => {
    expect(at(`${HEAD}stage s from |`)).toEqual(['tickets']);
  });
  it('train options, values of an option, model names', () => {
    expect(at(`${HEAD}train m from tickets {\n  ep|`)).toEqual(['epochs']);
    expect(at(`${HEAD}train m from tickets {\n  schedule |`)).toEqual(['cosine', 'linear', 'constant']);
    expect(at(`${HEAD}train m from tickets {\n  base |`)).toEqual(['"tinystories-260k"']);
    expect(at(`${HEAD}train m from tickets {\n  early_stop on |`)).toEqual(expect.arrayContaining(['val_loss', 'rougeL']));
  });
  it('metric names and metric options', () => {
    expect(at(`${HEAD}eval [base] on tickets {\n  metrics |`)).toEqual(expect.arrayContaining(['bleu', 'chrf++', 'rougeL', 'intent_f1']));
    expect(at(`${HEAD}eval [base] on tickets {\n  metrics bleu(|`)).toEqual(['tokenize', 'smooth', 'lowercase']);
    expect(at(`${HEAD}eval [base] on tickets {\n  metrics bleu(tokenize |`)).toEqual(['13a', 'zh', 'char', 'intl', 'none']);
    expect(at(`${HEAD}eval [base] on tickets {\n  metrics intent_f1(against |`)).toEqual(expect.arrayContaining(['intent', 'style']));
  });
  it('models in an eval list', () => {
    expect(at(`${HEAD}train m from tickets { base "tinystories-260k" }\neval [|`)).toEqual(expect.arrayContaining(['m', 'base', '"tinystories-260k"']));
  });
  it('nothing inside comments and strings', () => {
    expect(at(`${HEAD}# fil|`)).toEqual([]);
    expect(at(`${HEAD}stage s from tickets {\n  filter intent = "bil|ling"\n}`)).toEqual([]);
  });
  it('replaces the word being typed', () => {
    const text = `${HEAD}stage s from tickets {\n  filter tu`;
    expect(completions(text, text.length, facts).replace).toEqual({ start: text.length - 2, end: text.length });
  });
});

describe('hover', () => {
  const SRC = `${HEAD}stage clean from tickets {\n  filter turns >= 2 and length(user_text) > 3\n  dedupe near on user_text threshold 0.85\n}\nsplit clean into tr 80%, te 20% seed 3\neval [base] on te { metrics bleu seed 4 }\n`;
  const h = (word: string, nth = 0) => {
    let o = -1;
    for (let i = 0; i <= nth; i++) o = SRC.indexOf(word, o + 1);
    return hover(SRC, o, facts)?.contents ?? '';
  };
  it('documents every keyword and operator the lexer knows', () => {
    for (const w of [...STATEMENT_WORDS, ...OPERATOR_WORDS, ...CONNECTOR_WORDS, ...RESERVED_WORDS]) {
      const src = `${w} `;
      expect(hover(src, 0)?.contents, w).toContain(`**${w}**`);
    }
    for (const op of ['=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '->', '@']) expect(hover(`a ${op} b`, 2)?.contents, op).toContain(`**${op}**`);
  });
  it('options by their context: the same word means different things', () => {
    expect(h('threshold')).toContain('dedupe near option');
    expect(h('seed 3')).toContain('split option');
    expect(h('seed 4')).toContain('eval option');
  });
  it('names: columns with types, functions, metrics, stages', () => {
    expect(h('turns')).toContain('column of tickets: `INTEGER`');
    expect(h('length')).toContain('length(text or list) → integer');
    expect(h('bleu')).toContain('sacreBLEU');
    expect(h('clean', 1)).toContain('stage');
  });
});

describe('definition', () => {
  const SRC = `${HEAD}stage clean from tickets {\n  limit 1\n}\nsplit clean into tr 80%, te 20%\ntrain m from tr { base "tinystories-260k" }\neval [m] on te { metrics bleu }\n`;
  /** The definition reached from the nth whole-word use of `word`. */
  const def = (word: string, nth: number) => {
    const uses = [...SRC.matchAll(new RegExp(`\\b${word}\\b`, 'g'))].map((m) => m.index!);
    const s = definition(SRC, uses[nth] + 1);
    return s ? [s.start, SRC.slice(s.start, s.end)] : null;
  };
  it('jumps from a use to the definition of a stage, dataset, split part or train stage', () => {
    expect(def('tickets', 1)).toEqual([SRC.indexOf('tickets'), 'tickets']);
    expect(def('clean', 1)).toEqual([SRC.indexOf('clean'), 'clean']);
    expect(def('tr', 1)).toEqual([SRC.indexOf('tr 80%'), 'tr']);
    expect(def('m', 1)).toEqual([SRC.indexOf('m from tr'), 'm']);
  });
  it('has nothing to say on a definition itself or a keyword', () => {
    expect(definition(SRC, SRC.indexOf('clean') + 1)).toBeNull();
    expect(definition(SRC, SRC.indexOf('limit') + 1)).toBeNull();
  });
});

describe('monarch tokenizer', () => {
  const lang = monarchLanguage();
  it('is generated from the lexer: every keyword is in exactly one list', () => {
    const all = [...lang.keywords, ...lang.options, ...lang.reserved];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...STATEMENT_WORDS, ...OPERATOR_WORDS, ...CONNECTOR_WORDS, ...NAME_KEYS, ...SETTING_KEYS, ...RESERVED_WORDS].sort());
  });
  it('has a rule for every non-keyword token of the lexer, using its pattern', () => {
    const sources = lang.tokenizer.root.map((r) => (r[0] as RegExp).source);
    for (const t of T.allTokens) {
      if (t === T.WhiteSpace || T.keywordTokens.get(t.PATTERN as string) === t || [T.Name, T.SettingKey, T.NameKey, T.StringLike, T.TripleString, T.UnterminatedTripleString].includes(t)) continue;
      const src = t.PATTERN instanceof RegExp ? t.PATTERN.source : new RegExp((t.PATTERN as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).source;
      expect(sources, t.name).toContain(src);
    }
  });
  it('its rules are valid regular expressions that match what the lexer lexes', () => {
    const sample = 'filter turns >= 2 # c';
    const rules = lang.tokenizer.root.map((r) => new RegExp(`^(?:${(r[0] as RegExp).source})`));
    let rest = sample;
    while (rest.length) {
      const hit = rules.map((r) => r.exec(rest)).find((m) => m && m[0].length > 0);
      expect(hit, rest).toBeTruthy();
      rest = rest.slice(hit![0].length);
    }
  });
});

describe('formatting and markers', () => {
  it('formatDocument returns canonical text, or null with syntax errors', () => {
    expect(formatDocument('pipeline   p\n')).toBe('pipeline p\n');
    expect(formatDocument('pipeline p\nstage {\n')).toBeNull();
  });
  it('markers are 1-based and carry the help lines', () => {
    const src = `${HEAD}stage s from tickets {\n  filter turn > 1\n}\n`;
    const m = toMarkers(src, check(parse(src), facts).diagnostics);
    expect(m).toEqual([expect.objectContaining({ code: 'E021', startLineNumber: 4, startColumn: 10, endLineNumber: 4, endColumn: 14 })]);
    expect(m[0].message).toContain("help: did you mean 'turns'?");
  });
});
