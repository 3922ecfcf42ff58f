/**
 * The Monaco (Monarch) tokenizer, generated from the lexer's tokens so the highlighter cannot
 * drift from the language: keyword lists come from keys.ts, literal patterns are the lexer's
 * own regular expressions. Plain data: the browser passes it to
 * monaco.languages.setMonarchTokensProvider('ftp', monarchLanguage()).
 */
import { CONNECTOR_WORDS, NAME_KEYS, OPERATOR_WORDS, RESERVED_WORDS, SETTING_KEYS, STATEMENT_WORDS } from './keys.ts';
import * as T from './lexer.ts';
import { METRIC_NAMES } from './metrics.ts';

type Rule = [RegExp, string | { cases: Record<string, string> } | { token: string; next: string }] | [RegExp, string, string];

export interface MonarchLanguage {
  defaultToken: string;
  tokenPostfix: string;
  keywords: string[];
  options: string[];
  reserved: string[];
  metrics: string[];
  brackets: { open: string; close: string; token: string }[];
  tokenizer: Record<string, Rule[]>;
}

const src = (t: T.TokenType) => (t.PATTERN instanceof RegExp ? t.PATTERN : new RegExp((t.PATTERN as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

/** Which Monaco token class each lexer token gets (keywords are classified by list below). */
export const TOKEN_CLASSES: Record<string, string> = {
  Comment: 'comment',
  TripleString: 'string',
  UnterminatedTripleString: 'string.invalid',
  RawString: 'string.raw',
  String: 'string',
  UnterminatedString: 'string.invalid',
  QuotedIdentifier: 'identifier.quoted',
  Duration: 'number.duration',
  Percent: 'number.percent',
  Number: 'number',
  PlusPlusName: 'identifier',
  Identifier: 'identifier'
};

export function monarchLanguage(): MonarchLanguage {
  // Monarch tokenizes line by line: a triple-quoted string that spans lines needs its own state
  const rules: Rule[] = [[/"""/, { token: 'string', next: '@triple' }]];
  for (const t of T.allTokens) {
    if (t === T.WhiteSpace || t === T.TripleString || t === T.UnterminatedTripleString || t.PATTERN === T.Name.PATTERN) continue;
    if (T.keywordTokens.get(t.PATTERN as string) === t) continue;
    if (t === T.Identifier) {
      rules.push([
        src(t),
        { cases: { '@keywords': 'keyword', '@options': 'type.identifier', '@reserved': 'keyword.operator', '@metrics': 'predefined', '@default': 'identifier' } }
      ]);
      continue;
    }
    const cls = TOKEN_CLASSES[t.name];
    if (cls) rules.push([src(t), cls]);
    else if ([T.LCurly, T.RCurly, T.LBracket, T.RBracket, T.LParen, T.RParen].includes(t)) rules.push([src(t), '@brackets']);
    else if (t === T.Comma || t === T.At) rules.push([src(t), 'delimiter']);
    else rules.push([src(t), 'operator']);
  }
  return {
    defaultToken: 'invalid',
    tokenPostfix: '.ftp',
    keywords: [...STATEMENT_WORDS, ...OPERATOR_WORDS, ...CONNECTOR_WORDS],
    options: [...NAME_KEYS, ...SETTING_KEYS],
    reserved: [...RESERVED_WORDS],
    metrics: METRIC_NAMES,
    brackets: [
      { open: '{', close: '}', token: 'delimiter.curly' },
      { open: '[', close: ']', token: 'delimiter.square' },
      { open: '(', close: ')', token: 'delimiter.parenthesis' }
    ],
    tokenizer: {
      root: [[/[ \t\r\n]+/, 'white'], ...rules],
      triple: [
        [/"""/, 'string', '@pop'],
        [/[^"]+/, 'string'],
        [/"/, 'string']
      ]
    }
  };
}
