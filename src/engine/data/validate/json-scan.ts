/**
 * A strict, iterative JSON scanner for the slow path: it runs only on records that JSON.parse
 * rejected or that a cheap check flagged (possible duplicate key, deep nesting), and on records
 * whose findings need a column. It never recurses, so 10,000-level nesting cannot overflow the
 * stack, and it stops at `maxDepth`.
 *
 * It reports what JSON.parse cannot: duplicate keys (JSON.parse keeps the last one silently), the
 * exact offset of a syntax error with a named cause (trailing comma, single quotes, NaN, comment,
 * two values on one line, truncation, raw control character), and the offset of a field path.
 */

export interface ScanProblem {
  code: string;
  /** UTF-16 offset in the scanned text. */
  offset: number;
  /** Field path of the value being read, e.g. `messages[2].content`. */
  path: string;
  message: string;
  hint: string;
}

export interface ScanResult {
  /** The first syntax error (fatal), if any. */
  syntax: ScanProblem | null;
  /** Every duplicate key. */
  duplicates: ScanProblem[];
  /** Set when nesting went past maxDepth (scanning stops there). */
  tooDeep: ScanProblem | null;
}

interface Frame {
  kind: 'obj' | 'arr';
  key: string | null;
  index: number;
  keys: Set<string> | null;
}

const enum Want {
  Value,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrObjEnd,
  ValueOrArrEnd,
  CommaOrArrEnd,
  Done
}

export function pathOf(stack: Frame[], upTo = stack.length): string {
  let p = '';
  for (let i = 0; i < upTo; i++) {
    const f = stack[i];
    if (f.kind === 'arr') p += `[${f.index}]`;
    else if (f.key !== null) p += /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.key) ? (p ? `.${f.key}` : f.key) : `[${JSON.stringify(f.key)}]`;
  }
  return p;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export interface ScanOptions {
  maxDepth?: number;
  /** Called at the start of every value with its path; return true to stop scanning. */
  onValue?: (path: string, offset: number) => boolean;
}

export function scanJson(text: string, opts: ScanOptions = {}): ScanResult {
  const maxDepth = opts.maxDepth ?? 64;
  const stack: Frame[] = [];
  const duplicates: ScanProblem[] = [];
  let want: Want = Want.Value;
  let i = 0;
  const n = text.length;
  const fail = (code: string, offset: number, message: string, hint: string): ScanResult => ({
    syntax: { code, offset, path: pathOf(stack), message, hint },
    duplicates,
    tooDeep: null
  });

  while (true) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (want === Want.Done) return { syntax: null, duplicates, tooDeep: null };
      if (want === Want.Value && stack.length === 0) return fail('json_syntax', i, 'empty record: expected a JSON value', 'each line must hold one JSON object');
      return fail('json_truncated', i, 'the record ends in the middle of a JSON value (truncated?)', 'the line was probably cut off (interrupted download or write); restore or remove it');
    }
    const c = text.charCodeAt(i);
    if (c === 0) return fail('nul_char', i, 'a raw NUL byte (0x00) in the record', 'remove the NUL bytes (a binary or corrupted write)');
    if (c < 0x20) return fail('control_char', i, `a raw control character ${describe(text, i)} in the record`, 'remove it; control characters are not JSON whitespace');
    const top = stack[stack.length - 1];
    switch (want) {
      case Want.Done:
        if (c === 0x7b || c === 0x5b) return fail('json_extra_data', i, 'a second JSON value follows the first one on the same line', 'put each record on its own line (a newline is missing)');
        if (c === 0x2c) return fail('json_extra_data', i, 'a comma after the end of the record', 'remove the trailing comma; a JSONL line holds exactly one JSON value (is this a JSON array split into lines?)');
        return fail('json_syntax', i, `unexpected ${describe(text, i)} after the end of the record`, 'each line must hold exactly one JSON value');
      case Want.Colon:
        if (c !== 0x3a) return fail('json_syntax', i, `expected ':' after the key, found ${describe(text, i)}`, 'object members are written "key": value');
        i++;
        want = Want.Value;
        continue;
      case Want.CommaOrObjEnd:
      case Want.CommaOrArrEnd: {
        const close = want === Want.CommaOrObjEnd ? 0x7d : 0x5d;
        if (c === 0x2c) {
          i++;
          if (want === Want.CommaOrObjEnd) want = Want.Key;
          else {
            top.index++;
            want = Want.Value;
          }
          // A comma directly before the closing bracket is a trailing comma.
          let j = i;
          while (j < n && isWs(text.charCodeAt(j))) j++;
          if (j < n && text.charCodeAt(j) === close) return fail('json_trailing_comma', i - 1, 'trailing comma before the closing bracket', 'remove the comma after the last element (JSON does not allow trailing commas)');
          continue;
        }
        if (c === close) {
          i++;
          stack.pop();
          want = afterValue(stack);
          continue;
        }
        if (c === 0x2f || c === 0x23) return fail('json_comment', i, 'a comment inside a JSON record', 'JSON has no comments; remove them');
        return fail('json_syntax', i, `expected ',' or '${String.fromCharCode(close)}', found ${describe(text, i)}`, want === Want.CommaOrObjEnd ? 'a closing brace or a comma between members is missing' : 'a closing bracket or a comma between elements is missing');
      }
      case Want.KeyOrEnd:
      case Want.Key: {
        if (c === 0x7d && want === Want.KeyOrEnd) {
          i++;
          stack.pop();
          want = afterValue(stack);
          continue;
        }
        if (c === 0x27) return fail('json_single_quotes', i, 'single-quoted key: this looks like a Python dict, not JSON', "write JSON with double quotes (Python: json.dumps(obj), not str(obj))");
        if (c !== 0x22) return fail('json_syntax', i, `expected a double-quoted key, found ${describe(text, i)}`, 'object keys must be strings in double quotes');
        const start = i;
        const end = scanString(text, i);
        if (end < 0) return stringFail(text, i, -end - 1, fail);
        const key = JSON.parse(text.slice(start, end)) as string;
        if (top.keys!.has(key)) {
          top.key = key;
          duplicates.push({ code: 'duplicate_key', offset: start, path: pathOf(stack), message: `duplicate key "${key}" (JSON.parse would silently keep only the last one)`, hint: 'remove or rename one of the two keys' });
        }
        top.keys!.add(key);
        top.key = key;
        i = end;
        want = Want.Colon;
        continue;
      }
      case Want.Value:
      case Want.ValueOrArrEnd: {
        if (c === 0x5d && want === Want.ValueOrArrEnd) {
          i++;
          stack.pop();
          want = afterValue(stack);
          continue;
        }
        if (opts.onValue && opts.onValue(pathOf(stack), i)) return { syntax: null, duplicates, tooDeep: null };
        if (c === 0x7b || c === 0x5b) {
          if (stack.length >= maxDepth) {
            return { syntax: null, duplicates, tooDeep: { code: 'nesting_too_deep', offset: i, path: pathOf(stack), message: `JSON nested deeper than ${maxDepth} levels`, hint: 'flatten the value; conversation records need only a few levels' } };
          }
          stack.push(c === 0x7b ? { kind: 'obj', key: null, index: 0, keys: new Set() } : { kind: 'arr', key: null, index: 0, keys: null });
          i++;
          want = c === 0x7b ? Want.KeyOrEnd : Want.ValueOrArrEnd;
          continue;
        }
        if (c === 0x22) {
          const end = scanString(text, i);
          if (end < 0) return stringFail(text, i, -end - 1, fail);
          i = end;
        } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          if (text.startsWith('-Infinity', i)) return fail('json_nan_infinity', i, '-Infinity is not valid JSON', 'write numbers as finite values or null (Python: json.dumps(..., allow_nan=False))');
          const end = scanNumber(text, i);
          if (end < 0) return fail('json_syntax', -end - 1, `malformed number at ${describe(text, -end - 1)}`, 'numbers are written like 12, -3.5 or 1e-6');
          i = end;
        } else if (text.startsWith('true', i)) i += 4;
        else if (text.startsWith('false', i)) i += 5;
        else if (text.startsWith('null', i)) i += 4;
        else if (text.startsWith('NaN', i) || text.startsWith('Infinity', i)) {
          return fail('json_nan_infinity', i, `${text.startsWith('NaN', i) ? 'NaN' : 'Infinity'} is not valid JSON`, 'write numbers as finite values or null (Python: json.dumps(..., allow_nan=False))');
        } else if (c === 0x27) return fail('json_single_quotes', i, 'single-quoted string: this looks like a Python repr, not JSON', "write JSON with double quotes (Python: json.dumps(obj), not str(obj))");
        else if (c === 0x2f || c === 0x23) return fail('json_comment', i, 'a comment where a JSON value was expected', 'JSON has no comments; remove comment lines');
        else if (c === 0xfeff) return fail('bom_mid_file', i, 'a byte order mark (U+FEFF) inside the record', 'strip the BOM (files were probably joined with cat)');
        else if (c === 0x2c && want === Want.ValueOrArrEnd) return fail('json_syntax', i, 'an empty element (two commas in a row)', 'remove the extra comma');
        else if (c === 0x7d || c === 0x5d) return fail('json_syntax', i, `unexpected '${String.fromCharCode(c)}': a value is missing`, 'a value is missing before the closing bracket');
        else return fail('json_syntax', i, `unexpected ${describe(text, i)} where a JSON value was expected`, 'values are objects, arrays, "strings", numbers, true, false or null');
        want = afterValue(stack);
        continue;
      }
    }
  }
}

function afterValue(stack: Frame[]): Want {
  const top = stack[stack.length - 1];
  if (!top) return Want.Done;
  return top.kind === 'obj' ? Want.CommaOrObjEnd : Want.CommaOrArrEnd;
}

/** Returns the index after the closing quote, or -(offset+1) of the problem. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -(i + 1);
        i += 6;
        continue;
      }
      if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      return -(i + 1);
    }
    if (c < 0x20) return -(i + 1);
    i++;
  }
  return -(n + 1);
}

function stringFail(text: string, start: number, at: number, fail: (code: string, offset: number, message: string, hint: string) => ScanResult): ScanResult {
  if (at >= text.length) return fail('json_truncated', at, 'a string is not closed before the end of the record (truncated?)', 'the line was probably cut off; restore or remove it');
  const c = text.charCodeAt(at);
  if (c === 0x5c) return fail('json_syntax', at, `invalid escape sequence ${JSON.stringify(text.slice(at, at + 2))} in a string`, 'valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX');
  if (c === 0) return fail('nul_char', at, 'a raw NUL byte (0x00) inside a string', 'remove NUL bytes; if intended, they must be escaped, but NUL breaks most downstream tools');
  const names: Record<number, string> = { 9: 'TAB', 10: 'line feed', 13: 'carriage return', 27: 'ESC' };
  const name = names[c] ?? `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  void start;
  return fail('control_char', at, `a raw control character (${name}) inside a string; JSON requires it to be escaped`, c === 9 ? 'write the tab as \\t' : `escape it as \\u${c.toString(16).padStart(4, '0')} or remove it`);
}

/** Returns the index after a strict JSON number, or -(offset+1) of the problem. */
function scanNumber(text: string, start: number): number {
  const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  m.lastIndex = start;
  if (!m.exec(text)) return -(start + 1);
  const end = m.lastIndex;
  const next = text.charCodeAt(end);
  // "01", "1.", "1e" and the like.
  if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) return -(end + 1);
  return end;
}

function describe(text: string, i: number): string {
  const c = text.codePointAt(i)!;
  if (c < 0x20) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(c)}'`;
}

/** Offset where the value at `path` starts ('' = the record), or -1. */
export function locatePath(text: string, path: string, maxDepth = 64): number {
  let found = -1;
  scanJson(text, {
    maxDepth,
    onValue(p, offset) {
      if (p === path) {
        found = offset;
        return true;
      }
      return false;
    }
  });
  return found;
}

/** 1-based column (in code points) of a UTF-16 offset. */
export function columnAt(text: string, offset: number): number {
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    col++;
  }
  return col;
}
