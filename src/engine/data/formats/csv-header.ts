/**
 * The header row of a CSV / TSV file read from its first characters, with the rules of the
 * streaming reader (csv.ts): the delimiter is a tab for .tsv, else whichever of , ; or tab the
 * first line uses most; quoted fields may hold delimiters, line breaks and "" for a quote; names
 * are trimmed. Pure (no Node modules), so the web upload form reads the columns in the browser
 * the way the import will.
 */

/** The delimiter csv.ts uses for a file of this name whose first line is `firstLine`. */
export function pickDelimiter(fileName: string, firstLine: string): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const cands = [',', ';', '\t'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1]);
  return cands[0][1] > 0 ? cands[0][0] : ',';
}

/**
 * The column names of the first record of `text` (the start of a file), or null when that record
 * does not end within `text` (the header is longer than what was read, or the text is empty).
 * `complete`: `text` is the whole file, so its end also ends the header.
 */
export function readCsvHeader(text: string, fileName: string, complete = false): string[] | null {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const nl = s.search(/\r|\n/);
  if (s.length === 0 || (nl === -1 && !complete)) return null;
  const delim = pickDelimiter(fileName, nl === -1 ? s : s.slice(0, nl));
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQuotes) {
      if (c !== '"') field += c;
      else if (s[i + 1] === '"') (field += '"'), i++;
      else if (i + 1 === s.length && !complete) return null; // "" or the closing quote? Unknown yet.
      else (inQuotes = false), (afterQuote = true);
    } else if (c === delim) {
      fields.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || c === '\r') {
      fields.push(field);
      return fields.map((f) => f.trim());
    } else if (c === '"' && field === '' && !afterQuote) inQuotes = true;
    else field += c;
  }
  if (inQuotes || !complete) return null;
  fields.push(field);
  return fields.map((f) => f.trim());
}
