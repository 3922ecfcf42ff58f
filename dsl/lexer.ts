/**
 * The .ftp lexer (Chevrotain). Token order in `allTokens` decides which pattern wins when
 * several match at the same offset (Chevrotain takes the FIRST match, not the longest), so:
 *
 *  1. Whitespace and comments first: they are the most common and never ambiguous.
 *  2. Strings before anything that could match their first characters: `"""` before `"`, and the
 *     raw string `r"..."` before Identifier (which would otherwise take the `r`). The
 *     Unterminated* tokens come right after the string they belong to; they exist only so the
 *     checker can say "unterminated string" instead of "unexpected character".
 *  3. Number-like literals: Duration (`30m`) and Percent (`10%`) before Number, since Number
 *     would match their leading digits and leave a stray `m` or `%`.
 *  4. Two-character operators before their one-character prefixes (`->` before `-`, `>=` before `>`).
 *  5. `chrf++` style names before Identifier.
 *  6. Keywords, longest first, each with `longer_alt: Identifier`: `filters` is an identifier, not
 *     `filter` + `s`; and longest-first makes `eval_every` win over `eval` + `_every`, and
 *     `learning_rate_multiplier` over `learning_rate`.
 *  7. Identifier last among words.
 *
 * Comments (`# ...` to the end of the line) go to the "comments" group instead of SKIPPED: the
 * parser never sees them, but the formatter needs them back to keep them.
 */
import { createToken, Lexer, type ILexingResult, type IToken, type TokenType } from 'chevrotain';
import { CONNECTOR_WORDS, NAME_KEYS, OPERATOR_WORDS, RESERVED_WORDS, SETTING_KEYS, STATEMENT_WORDS } from './keys.ts';

// ---- categories: abstract tokens that the grammar consumes to accept any of their members
/** Anything usable as a name: identifiers, quoted identifiers and every non-reserved keyword. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
/** Option keys taking general values. */
export const SettingKey = createToken({ name: 'SettingKey', pattern: Lexer.NA, label: 'an option' });
/** Option keys whose first argument is a name. */
export const NameKey = createToken({ name: 'NameKey', pattern: Lexer.NA, label: 'an option' });
/** Literal strings of any form. */
export const StringLike = createToken({ name: 'StringLike', pattern: Lexer.NA, label: 'a string' });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments', label: 'a comment' });

export const TripleString = createToken({ name: 'TripleString', pattern: /"""[\s\S]*?"""/, categories: [StringLike], label: 'a string', line_breaks: true });
export const UnterminatedTripleString = createToken({ name: 'UnterminatedTripleString', pattern: /"""[\s\S]*/, label: 'an unterminated string', line_breaks: true });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name], label: 'a name' });
export const RawString = createToken({ name: 'RawString', pattern: /r"[^"\n\r]*"/, categories: [StringLike], label: 'a string', longer_alt: Identifier });
export const PlainString = createToken({ name: 'String', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, categories: [StringLike], label: 'a string' });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/, label: 'an unterminated string' });
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`[^`\n\r]+`/, categories: [Name], label: 'a name' });

export const Duration = createToken({ name: 'Duration', pattern: /\d+(?:\.\d+)?(?:ms|s|m|h|d)(?![A-Za-z0-9_])/, label: 'a duration' });
export const Percent = createToken({ name: 'Percent', pattern: /\d+(?:\.\d+)?%/, label: 'a percentage' });
export const NumberLit = createToken({ name: 'Number', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: 'a number' });

export const Arrow = createToken({ name: 'Arrow', pattern: '->', label: "'->'" });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: '>=', label: "'>='" });
export const LessEq = createToken({ name: 'LessEq', pattern: '<=', label: "'<='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=|<>/, label: "'!='" });
export const EqEq = createToken({ name: 'EqEq', pattern: '==', label: "'=='" });
export const Eq = createToken({ name: 'Eq', pattern: '=', label: "'='" });
export const Less = createToken({ name: 'Less', pattern: '<', label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: '>', label: "'>'" });
export const Plus = createToken({ name: 'Plus', pattern: '+', label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: '-', label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: '*', label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: '/', label: "'/'" });
export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const At = createToken({ name: 'At', pattern: '@', label: "'@'" });

/** `chrf++`: a name with a `++` suffix (metric names). */
export const PlusPlusName = createToken({ name: 'PlusPlusName', pattern: /[A-Za-z_][A-Za-z0-9_]*\+\+/, label: 'a name' });

function tokenName(word: string): string {
  return word.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
}

/** Every keyword token by its word. */
export const keywordTokens = new Map<string, TokenType>();

function keyword(word: string, categories: TokenType[]): TokenType {
  const t = createToken({ name: tokenName(word), pattern: word, longer_alt: Identifier, categories, label: `'${word}'` });
  keywordTokens.set(word, t);
  return t;
}

for (const w of RESERVED_WORDS) keyword(w, []);
for (const w of [...STATEMENT_WORDS, ...OPERATOR_WORDS, ...CONNECTOR_WORDS]) keyword(w, [Name]);
for (const w of NAME_KEYS) keyword(w, [NameKey, Name]);
for (const w of SETTING_KEYS) keyword(w, [SettingKey, Name]);

/** Looks up a keyword token; throws for a typo in the grammar (a programming error, not user input). */
export function kw(word: string): TokenType {
  const t = keywordTokens.get(word);
  if (!t) throw new Error(`no keyword token '${word}'`);
  return t;
}

/** Keywords longest first (see rule 6 above). */
const keywordsLongestFirst = [...keywordTokens.entries()].sort((a, b) => b[0].length - a[0].length || a[0].localeCompare(b[0])).map(([, t]) => t);

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  TripleString,
  UnterminatedTripleString,
  RawString,
  PlainString,
  UnterminatedString,
  QuotedIdentifier,
  Duration,
  Percent,
  NumberLit,
  Arrow,
  GreaterEq,
  LessEq,
  NotEq,
  EqEq,
  Eq,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  At,
  PlusPlusName,
  ...keywordsLongestFirst,
  Identifier,
  // categories last: they match nothing themselves
  Name,
  SettingKey,
  NameKey,
  StringLike
];

export const ftpLexer = new Lexer(allTokens, { ensureOptimizations: true, positionTracking: 'full' });

export function lex(text: string): ILexingResult {
  return ftpLexer.tokenize(text);
}

/** Tokens that are lexed only to be reported as errors. */
export const ERROR_TOKENS = new Set<TokenType>([UnterminatedString, UnterminatedTripleString]);

export function isKeywordToken(t: TokenType): boolean {
  return keywordTokens.get(t.PATTERN as string) === t;
}

export type { IToken, TokenType };
