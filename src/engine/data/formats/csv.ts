/**
 * CSV / TSV import: an RFC 4180 reader (quoted fields may hold commas, quotes as "" and line
 * breaks) over a streamed UTF-8 file, a header row naming the columns, and a column mapping
 * (mapping.ts) that turns each row into an OpenAI-format record for the shared checks. The
 * delimiter is a tab for .tsv, else whichever of , ; or tab the header line uses most. A record
 * longer than `maxRecordChars` (an unclosed quote swallowing the file, say) stops the read with
 * one error instead of growing without bound.
 */
import fsp from 'node:fs/promises';
import { firstInvalidUtf8 } from '../validate/encoding.ts';
import { pickDelimiter } from './csv-header.ts';
import { mapRow, resolveMapping, type Mapping, type ResolvedMapping } from './mapping.ts';

export interface CsvRowSink {
  /** Called once with the header; return an error message to stop, else null. */
  header(columns: string[], mapping: ResolvedMapping): string | null;
  /** One data row as an OpenAI-format record, with the line it starts on. */
  row(record: Record<string, unknown>, line: number, fieldCount: number, headerCount: number): void;
  /** A problem with the file itself (encoding, unterminated quote): stops the read. */
  fatal(code: string, line: number, message: string, hint: string): void;
}

const CHUNK = 4 << 20;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

function countNewlines(s: string): number {
  let n = 0;
  for (let p = s.indexOf('\n'); p !== -1; p = s.indexOf('\n', p + 1)) n++;
  // A bare CR (no LF after it) is a line break too.
  for (let p = s.indexOf('\r'); p !== -1; p = s.indexOf('\r', p + 1)) if (s.charCodeAt(p + 1) !== LF) n++;
  return n;
}

export async function readCsv(file: string, explicit: Mapping | undefined, sink: CsvRowSink, onBytes?: (n: number) => void, signal?: AbortSignal, maxRecordChars = 1 << 20): Promise<void> {
  const fh = await fsp.open(file, 'r');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const buf = Buffer.allocUnsafe(CHUNK);
  let offset = 0;
  let delim = -1;
  let header: string[] | null = null;
  let mapping: ResolvedMapping | null = null;
  // Parser state carried across chunks.
  let field = '';
  let fields: string[] = [];
  let recordChars = 0;
  let inQuotes = false;
  /** A quote ended the previous chunk inside a quoted field: "" or the closing quote? */
  let quoteAtEnd = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let pendingCr = false;
  let stopped = false;

  const endRow = () => {
    fields.push(field);
    field = '';
    recordChars = 0;
    const row = fields;
    fields = [];
    if (!header) {
      header = row.map((h) => h.trim());
      mapping = resolveMapping(header, explicit);
      if (mapping.errors.length) {
        sink.fatal('mapping_error', 1, mapping.errors.join('; '), 'name the columns with --map user=COLUMN,assistant=COLUMN[,system=COLUMN][,intent=COLUMN]');
        stopped = true;
      } else if (sink.header(header, mapping)) stopped = true;
      return;
    }
    if (row.length === 1 && row[0].trim() === '') return; // blank line
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) obj[header[i]] = i < row.length ? row[i] : null;
    sink.row(mapRow(obj, mapping!), rowLine, row.length, header.length);
  };

  const parse = (text: string) => {
    let i = 0;
    const n = text.length;
    if (quoteAtEnd) {
      quoteAtEnd = false;
      if (text.charCodeAt(0) === QUOTE) {
        field += '"';
        i = 1;
      } else {
        inQuotes = false;
        afterQuote = true;
      }
    }
    while ((i < n || recordChars > maxRecordChars) && !stopped) {
      if (recordChars > maxRecordChars) {
        sink.fatal('line_too_long', rowLine, `a CSV record longer than ${maxRecordChars.toLocaleString('en-US')} characters (an unclosed quote?)`, 'check the quoting of the row that starts here');
        stopped = true;
        return;
      }
      if (pendingCr) {
        pendingCr = false;
        if (text.charCodeAt(i) === LF) {
          i++;
          continue;
        }
      }
      if (inQuotes) {
        const q = text.indexOf('"', i);
        const end = q === -1 ? n : q;
        const piece = text.slice(i, end);
        field += piece;
        recordChars += piece.length;
        line += countNewlines(piece);
        if (recordChars > maxRecordChars) continue; // reported at the top of the loop
        if (q === -1) return;
        if (q + 1 === n) {
          quoteAtEnd = true;
          return;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          i = q + 2;
        } else {
          inQuotes = false;
          afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      // Unquoted: take everything up to the next delimiter, line break or quote.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delim || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      if (j > i) {
        field += text.slice(i, j);
        recordChars += j - i;
      }
      if (j === n) return;
      const c = text.charCodeAt(j);
      i = j + 1;
      if (c === delim) {
        fields.push(field);
        field = '';
        afterQuote = false;
      } else if (c === LF || c === CR) {
        endRow();
        afterQuote = false;
        line++;
        rowLine = line;
        if (c === CR) pendingCr = true;
      } else if (field === '' && !afterQuote) inQuotes = true;
      else {
        field += '"';
        recordChars++;
      }
    }
  };

  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
      let text: string;
      try {
        text = decoder.decode(buf.subarray(0, bytesRead), { stream: bytesRead > 0 });
      } catch {
        const chunk = buf.subarray(0, bytesRead);
        const bad = Math.max(0, firstInvalidUtf8(chunk));
        let l = line;
        for (let i = 0; i < bad; i++) if (chunk[i] === LF) l++;
        sink.fatal('invalid_utf8', l, 'the CSV file is not valid UTF-8 (Excel often saves CSV as Windows-1252)', 'save it as "CSV UTF-8", or convert it: iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv');
        return;
      }
      offset += bytesRead;
      if (delim < 0 && text.length > 0) {
        const nl = text.search(/\r|\n/);
        delim = pickDelimiter(file, nl === -1 ? text : text.slice(0, nl)).charCodeAt(0);
      }
      parse(text);
      onBytes?.(offset);
      if (stopped || bytesRead === 0) break;
    }
    if (stopped) return;
    if (inQuotes && !quoteAtEnd) {
      sink.fatal('csv_unterminated_quote', rowLine, 'a quoted field is never closed', 'a " is missing; the rest of the file was read as one field');
      return;
    }
    if (field !== '' || fields.length > 0) endRow();
    if (!header) sink.fatal('no_records', 1, 'the CSV file is empty (no header row)', 'the first row must name the columns');
  } finally {
    await fh.close();
  }
}
