/**
 * String literals: three forms, one value.
 *   "..."      escapes \\ \" \n \r \t \u{HEX}; one line
 *   r"..."     raw: backslashes are literal (regular expressions); one line; cannot contain "
 *   """..."""  raw, may span lines (SQL, long prompts)
 * Values map back to source offsets (for errors inside a string, e.g. a DuckDB error in a
 * `sql "..."` snippet or an unknown {column} in a template) through `valueToSource`.
 */
export type StringForm = 'plain' | 'raw' | 'triple';

export interface DecodedString {
  value: string;
  form: StringForm;
  /** Invalid escapes: offset relative to the token start, and the escape text. */
  badEscapes: { offset: number; text: string }[];
  /** For each value index i, the offset of its first source character relative to the token start;
   *  one extra entry for the end. */
  map: number[];
}

export function decodeString(image: string): DecodedString {
  if (image.startsWith('"""')) return raw(image, 3, 'triple');
  if (image.startsWith('r"')) return raw(image, 2, 'raw');
  const badEscapes: DecodedString['badEscapes'] = [];
  const map: number[] = [];
  let value = '';
  const end = image.endsWith('"') && image.length >= 2 ? image.length - 1 : image.length;
  for (let i = 1; i < end; i++) {
    const c = image[i];
    if (c !== '\\') {
      // keep surrogate pairs whole so map indexes stay aligned with UTF-16 value indexes
      map.push(i);
      value += c;
      continue;
    }
    const start = i;
    const e = image[i + 1];
    let out: string | null = null;
    let len = 2;
    if (e === 'n') out = '\n';
    else if (e === 't') out = '\t';
    else if (e === 'r') out = '\r';
    else if (e === '\\') out = '\\';
    else if (e === '"') out = '"';
    else if (e === 'u') {
      const m = /^\\u\{([0-9a-fA-F]{1,6})\}/.exec(image.slice(i)) ?? /^\\u([0-9a-fA-F]{4})/.exec(image.slice(i));
      if (m) {
        const cp = parseInt(m[1], 16);
        if (cp <= 0x10ffff) {
          out = String.fromCodePoint(cp);
          len = m[0].length;
        }
      }
    }
    if (out === null) {
      badEscapes.push({ offset: start, text: image.slice(start, start + 2) });
      out = e ?? '';
    }
    for (let k = 0; k < out.length; k++) map.push(start);
    value += out;
    i += len - 1;
  }
  map.push(end);
  return { value, form: 'plain', badEscapes, map };
}

function raw(image: string, quote: number, form: StringForm): DecodedString {
  const closer = form === 'triple' ? 3 : 1;
  const closed = image.length >= quote + closer && image.endsWith('"'.repeat(closer));
  const end = closed ? image.length - closer : image.length;
  const value = image.slice(quote, end);
  const map: number[] = [];
  for (let i = 0; i <= value.length; i++) map.push(quote + i);
  return { value, form, badEscapes: [], map };
}

/** Source offset of value index `i` of a string literal that starts at `tokenStart`. */
export function valueToSource(image: string, tokenStart: number, i: number): number {
  const { map } = decodeString(image);
  return tokenStart + map[Math.max(0, Math.min(i, map.length - 1))];
}

/** Writes a value as a plain "..." literal (used by the form builder and code generators). */
export function quoteString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}
