/**
 * One JSON record (a JSONL line or a JSON array element) from text to a value, with the checks
 * JSON.parse does not do. Fast path: JSON.parse plus one iterative walk over the result; the
 * strict scanner (json-scan.ts) runs only when a cheap test says it must:
 *
 * - duplicate keys: a ':' outside strings always ends a key, so a record without duplicates has
 *   exactly (keys in the parsed value) + (':' inside parsed strings) colons in its text. A surplus
 *   means JSON.parse dropped a key. Records with an escaped colon (\u003a) always take the scanner.
 * - depth: the walk stops at maxDepth and the scanner locates the offending value.
 * - string hygiene (NUL, other control characters, lone surrogates, invisible characters) is
 *   checked only when the record has escapes or non-ASCII text, because plain ASCII JSON that
 *   parsed cannot contain any of them.
 */
import { scanJson } from './json-scan.ts';
import type { Severity } from './finding.ts';

export interface RecordIssue {
  severity: Severity;
  code: string;
  path: string;
  message: string;
  hint: string;
  /** UTF-16 offset in the record text when known, else -1 (locate by path). */
  offset: number;
}

export const DEFAULT_MAX_DEPTH = 64;

const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const CONTROL = /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Node {
  v: unknown;
  depth: number;
  parent: Node | null;
  key: string | number;
}

function nodePath(n: Node | null, leaf?: string | number): string {
  const parts: (string | number)[] = [];
  if (leaf !== undefined) parts.push(leaf);
  for (let x = n; x && x.parent; x = x.parent) parts.push(x.key);
  let p = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const k = parts[i];
    if (typeof k === 'number') p += `[${k}]`;
    else p += /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (p ? `.${k}` : k) : `[${JSON.stringify(k)}]`;
  }
  return p;
}

function countColons(s: string): number {
  let n = 0;
  for (let p = s.indexOf(':'); p !== -1; p = s.indexOf(':', p + 1)) n++;
  return n;
}

function stringIssues(s: string, path: () => string, out: RecordIssue[], checkSurrogates: boolean, checkInvisible: boolean): void {
  if (s.indexOf('\0') !== -1) out.push({ severity: 'error', code: 'nul_char', path: path(), message: 'the string contains a NUL character (\\u0000)', hint: 'remove it: NUL breaks C-string and database text handling downstream', offset: -1 });
  else if (CONTROL.test(s)) {
    const c = CONTROL.exec(s)![0].charCodeAt(0);
    out.push({ severity: 'warning', code: 'control_char_in_content', path: path(), message: `the string contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`, hint: 'control characters (ANSI colour codes, form feeds) are rarely meant to be trained on; strip them', offset: -1 });
  }
  if (checkSurrogates && LONE_SURROGATE.test(s)) out.push({ severity: 'error', code: 'lone_surrogate', path: path(), message: 'the string contains an unpaired UTF-16 surrogate escape (not valid Unicode)', hint: 'the text was cut in the middle of an emoji or other non-BMP character; fix or remove it', offset: -1 });
  if (checkInvisible && INVISIBLE.test(s)) {
    const c = INVISIBLE.exec(s)![0].charCodeAt(0);
    out.push({ severity: 'warning', code: 'invisible_chars', path: path(), message: `the string contains an invisible character (U+${c.toString(16).toUpperCase().padStart(4, '0')})`, hint: 'zero-width and direction-override characters are invisible in editors and defeat exact-duplicate checks; remove them unless intended', offset: -1 });
  }
}

export interface ParsedJsonRecord {
  /** undefined when the text is not usable JSON (see issues). */
  value: unknown;
  issues: RecordIssue[];
  /** The text has \u, \b or \f escapes (decoded strings may hold non-ASCII or control characters). */
  escapes: boolean;
  /** The text has no backslash at all: no decoded string needs escaping to be JSON again. */
  noBackslash: boolean;
}

interface FastWalk {
  keys: number;
  stringColons: number;
  flagged: boolean;
  tooDeep: boolean;
}

function suspicious(s: string, escapes: boolean, nonAscii: boolean): boolean {
  return s.indexOf('\0') !== -1 || CONTROL.test(s) || (escapes && LONE_SURROGATE.test(s)) || (nonAscii && INVISIBLE.test(s));
}

/** One pass without paths: counts keys (and colons in strings when asked), flags odd strings. */
function fastWalk(value: unknown, maxDepth: number, countStringColons: boolean, checkStrings: boolean, escapes: boolean, nonAscii: boolean): FastWalk {
  const r: FastWalk = { keys: 0, stringColons: 0, flagged: false, tooDeep: false };
  if (typeof value === 'string') {
    if (countStringColons) r.stringColons += countColons(value);
    r.flagged = checkStrings && suspicious(value, escapes, nonAscii);
    return r;
  }
  const vals: unknown[] = [value];
  const depths: number[] = [0];
  while (vals.length > 0) {
    const v = vals.pop();
    const d = depths.pop()!;
    if (d >= maxDepth) {
      r.tooDeep = true;
      break;
    }
    if (v === null || typeof v !== 'object') continue;
    const arr = Array.isArray(v);
    const keys = arr ? null : Object.keys(v as Record<string, unknown>);
    const n = arr ? (v as unknown[]).length : keys!.length;
    for (let i = 0; i < n; i++) {
      let x: unknown;
      if (arr) x = (v as unknown[])[i];
      else {
        const k = keys![i];
        r.keys++;
        if (countStringColons) r.stringColons += countColons(k);
        x = (v as Record<string, unknown>)[k];
      }
      if (typeof x === 'string') {
        if (countStringColons) r.stringColons += countColons(x);
        if (checkStrings && !r.flagged && suspicious(x, escapes, nonAscii)) r.flagged = true;
      } else if (x !== null && typeof x === 'object') {
        vals.push(x);
        depths.push(d + 1);
      }
    }
  }
  return r;
}

/** The slow walk with paths, run only when the fast walk flagged a string. */
function stringIssuesWithPaths(value: unknown, maxDepth: number, escapes: boolean, nonAscii: boolean): RecordIssue[] {
  const issues: RecordIssue[] = [];
  const stack: Node[] = [{ v: value, depth: 0, parent: null, key: '' }];
  if (typeof value === 'string') stringIssues(value, () => '', issues, escapes, nonAscii);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.v;
    if (node.depth >= maxDepth) break;
    if (v === null || typeof v !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i];
      if (typeof x === 'string') stringIssues(x, () => nodePath(node, k), issues, escapes, nonAscii);
      else if (x !== null && typeof x === 'object') stack.push({ v: x, depth: node.depth + 1, parent: node, key: k });
    }
  }
  return issues;
}

/**
 * Parses one record. `ascii` says the record's bytes were all ASCII (the caller knows from the
 * bytes), which lets the string checks be skipped.
 */
export function parseJsonRecord(text: string, ascii: boolean, maxDepth = DEFAULT_MAX_DEPTH): ParsedJsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const scan = scanJson(text, { maxDepth });
    const p = scan.syntax ?? scan.tooDeep;
    if (p) return { value: undefined, escapes: false, noBackslash: false, issues: [{ severity: 'error', code: p.code, path: p.path, message: p.message, hint: p.hint, offset: p.offset }] };
    return { value: undefined, escapes: false, noBackslash: false, issues: [{ severity: 'error', code: 'json_syntax', path: '', message: `not valid JSON: ${(e as Error).message}`, hint: 'each record must be one JSON value', offset: -1 }] };
  }
  // Most records have no backslash at all: one scan rules out every escape.
  const noBackslash = text.indexOf('\\') === -1;
  const escapes = !noBackslash && (text.indexOf('\\u') !== -1 || text.indexOf('\\b') !== -1 || text.indexOf('\\f') !== -1);
  const checkStrings = escapes || !ascii;
  // Colons in the text: when they equal the parsed keys, no key can have been dropped.
  const textColons = countColons(text);
  let walk = fastWalk(value, maxDepth, false, checkStrings, escapes, !ascii);
  let suspectDuplicate = false;
  if (!walk.tooDeep && textColons !== walk.keys) {
    walk = fastWalk(value, maxDepth, true, checkStrings, escapes, !ascii);
    suspectDuplicate = textColons !== walk.keys + walk.stringColons || (escapes && (text.indexOf('\\u003a') !== -1 || text.indexOf('\\u003A') !== -1));
  }
  const issues: RecordIssue[] = walk.flagged ? stringIssuesWithPaths(value, maxDepth, escapes, !ascii) : [];
  if (walk.tooDeep || suspectDuplicate) {
    const scan = scanJson(text, { maxDepth });
    for (const d of scan.duplicates) issues.push({ severity: 'error', code: d.code, path: d.path, message: d.message, hint: d.hint, offset: d.offset });
    if (scan.tooDeep) {
      const t = scan.tooDeep;
      issues.push({ severity: 'error', code: t.code, path: t.path, message: t.message, hint: t.hint, offset: t.offset });
    }
  }
  return { value, issues, escapes, noBackslash };
}
