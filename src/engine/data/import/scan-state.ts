/**
 * The per-scan state shared by every container reader (JSONL lines, JSON array elements, CSV and
 * Parquet rows): it turns one record into findings and, when the record is valid, one line of
 * intermediate NDJSON for DuckDB. A scan of a byte range in a worker has its own state; the
 * summaries are merged by scan.ts with line offsets.
 */
import { canonicalJson, conversationId, derivedJson, isTrainable } from '../canonical.ts';
import { contextResponseRecord } from '../formats/context-response.ts';
import { openaiRecord } from '../formats/openai.ts';
import { promptCompletionRecord } from '../formats/prompt-completion.ts';
import { ColumnNamer, type Draft, type RecordContext, type RecordFormat, type RecordResult } from '../formats/types.ts';
import { FindingSink, type Severity, type SinkSummary } from '../validate/finding.ts';
import { DEFAULT_MAX_DEPTH, parseJsonRecord, type RecordIssue } from '../validate/json-record.ts';
import { columnAt, locatePath } from '../validate/json-scan.ts';
import type { IntermediateWriter, WrittenPart } from './intermediate.ts';

export interface ScanConfig {
  /** File name used in findings. */
  file: string;
  format: RecordFormat;
  strictOpenai: boolean;
  /** Records (lines, elements) longer than this many bytes are rejected unread. */
  maxRecordBytes: number;
  maxDepth: number;
  /** Key → column decisions from an earlier pass (case collisions). */
  fixedColumns?: Record<string, string>;
  /** Never copy record text into the intermediate file. */
  forceCanonical?: boolean;
  /** Findings kept per code. */
  keepPerCode?: number;
  /** Records come from a column mapping (CSV, Parquet). */
  mapped?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;
/** About 4,096 tokens at ~4 characters a token: the cookbook notebook's truncation warning. */
const LONG_EXAMPLE_CHARS = 16_384;

export function defaultScanConfig(file: string, format: RecordFormat, over: Partial<ScanConfig> = {}): ScanConfig {
  return { file, format, strictOpenai: false, maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, maxDepth: DEFAULT_MAX_DEPTH, ...over };
}

export interface ColumnSeen {
  name: string;
  firstLine: number;
  keys: string[];
}

/** Plain-data result of one scan (crosses the worker boundary). Lines are relative to the scan. */
export interface ScanSummary {
  sink: SinkSummary;
  lines: number;
  records: number;
  valid: number;
  trainable: number;
  /** First line of every rejected record. */
  skipped: number[];
  columns: ColumnSeen[];
  looksLike: Record<string, number>;
  fatal: boolean;
  blank: number;
  /** Intermediate parts written (filled in by whoever closes the writer). */
  parts: WrittenPart[];
}

const FORMAT_FNS: Record<RecordFormat, (v: unknown, ctx: RecordContext) => RecordResult> = {
  openai: openaiRecord,
  'prompt-completion': promptCompletionRecord,
  'context-response': contextResponseRecord
};

export class ScanState {
  readonly sink: FindingSink;
  readonly ctx: RecordContext;
  private fn: (v: unknown, ctx: RecordContext) => RecordResult;
  lines = 0;
  records = 0;
  valid = 0;
  trainable = 0;
  blank = 0;
  fatal = false;
  readonly skipped: number[] = [];
  private columnsSeen = new Map<string, { firstLine: number; keys: Set<string> }>();
  readonly looksLike: Record<string, number> = {};
  private noted = new Set<string>();

  constructor(
    readonly config: ScanConfig,
    private out: IntermediateWriter | null
  ) {
    this.sink = new FindingSink(config.keepPerCode ?? 200);
    this.ctx = { strictOpenai: config.strictOpenai, mapped: config.mapped, columns: new ColumnNamer(config.fixedColumns ?? {}) };
    this.fn = FORMAT_FNS[config.format];
  }

  /** A finding about the file or a line that no record check produced (encoding, syntax of the container). */
  note(severity: Severity, code: string, line: number | null, column: number | null, message: string, hint: string, path = ''): void {
    this.sink.add({ severity, code, file: this.config.file, line, column, path, message, hint });
  }

  /** Like note(), but only the first time `code` is seen in this scan (e.g. "CRLF line endings"). */
  noteOnce(severity: Severity, code: string, line: number | null, message: string, hint: string): void {
    if (this.noted.has(code)) return;
    this.noted.add(code);
    this.note(severity, code, line, null, message, hint);
  }

  /** A record that could not even be read (bad bytes, too long): counted and skipped. */
  rejectUnread(line: number): void {
    this.records++;
    this.skipped.push(line);
  }

  /**
   * One JSON record. `line`/`column` are where its text starts; `ascii` that its bytes were all
   * ASCII; `synthetic` that the text was built by us (CSV/Parquet), so columns mean nothing;
   * `raw` the record's bytes when they are one line (lets a passthrough record be copied as is).
   */
  jsonRecord(text: string, ascii: boolean, line: number, column: number, synthetic = false, raw?: Uint8Array): void {
    this.records++;
    const parsed = parseJsonRecord(text, ascii, this.config.maxDepth);
    // A record whose JSON is unusable (syntax, duplicate keys, depth, NUL) gets no format checks:
    // they would only report consequences of the same fault.
    if (parsed.value === undefined || parsed.issues.some((i) => i.severity === 'error')) {
      this.emit(parsed.issues, synthetic ? null : text, line, column);
      this.skipped.push(line);
      return;
    }
    const res = this.fn(parsed.value, this.ctx);
    if (res.looksLike && res.looksLike !== this.config.format) this.looksLike[res.looksLike] = (this.looksLike[res.looksLike] ?? 0) + 1;
    const issues = parsed.issues.length > 0 ? parsed.issues.concat(res.issues) : res.issues;
    const bad = issues.length > 0 && this.emit(issues, synthetic ? null : text, line, column);
    if (bad || !res.draft) {
      this.skipped.push(line);
      return;
    }
    this.accept(res.draft, line, raw, text.length, ascii && !parsed.escapes, parsed.noBackslash);
  }

  /** `plainAscii`: the record is ASCII without \u escapes, so string lengths are code points. */
  private accept(draft: Draft, line: number, raw: Uint8Array | undefined, textLength: number, plainAscii: boolean, noBackslash: boolean): void {
    if (this.config.forceCanonical) draft.passthrough = false;
    let chars = 0;
    // The contents cannot be longer than the record's text.
    if (textLength > LONG_EXAMPLE_CHARS) for (const m of draft.messages) chars += m.content?.length ?? 0;
    if (chars > LONG_EXAMPLE_CHARS) {
      this.note('warning', 'long_example', line, null, `the example has ${chars} characters (about ${Math.round(chars / 4)} tokens)`, 'the cookbook notebook warns above 4,096 tokens: such examples are truncated to max_length during training');
    }
    const id = conversationId(draft.messages, draft.tools);
    if (isTrainable(draft.messages)) this.trainable++;
    for (const col of draft.metadata.keys()) {
      if (!this.columnsSeen.has(col)) this.columnsSeen.set(col, { firstLine: line, keys: new Set() });
    }
    if (this.out?.idsOnly) this.out.writeId(id, line);
    else if (this.out) {
      const derived = derivedJson(draft.messages, plainAscii, noBackslash);
      if (draft.passthrough && raw && !this.config.forceCanonical) this.out.writeRaw(id, line, derived, raw);
      else this.out.writeJson(id, line, derived, canonicalJson(draft));
    }
    this.valid++;
  }

  /** Adds issues as findings; returns true when one of them is an error. */
  private emit(issues: RecordIssue[], text: string | null, line: number, column: number): boolean {
    let error = false;
    for (const is of issues) {
      if (is.severity === 'error') error = true;
      let l: number | null = line;
      let c: number | null = text === null ? null : column;
      if (text !== null && this.sink.wouldKeep(is.code)) {
        const offset = is.offset >= 0 ? is.offset : locatePath(text, is.path, this.config.maxDepth);
        if (offset >= 0) [l, c] = position(text, offset, line, column);
      }
      this.sink.add({ severity: is.severity, code: is.code, file: this.config.file, line: l, column: c, path: is.path, message: is.message, hint: is.hint });
    }
    return error;
  }

  summary(): ScanSummary {
    const keysByColumn = new Map<string, Set<string>>();
    for (const [key, col] of this.ctx.columns.entries()) {
      if (!keysByColumn.has(col)) keysByColumn.set(col, new Set());
      keysByColumn.get(col)!.add(key);
    }
    return {
      sink: this.sink.summary(),
      lines: this.lines,
      records: this.records,
      valid: this.valid,
      trainable: this.trainable,
      skipped: this.skipped,
      columns: [...this.columnsSeen].map(([name, s]) => ({ name, firstLine: s.firstLine, keys: [...(keysByColumn.get(name) ?? [])] })),
      looksLike: this.looksLike,
      fatal: this.fatal,
      blank: this.blank,
      parts: []
    };
  }
}

/** Line and column of `offset` in a record that starts at (line, column) and may span lines. */
export function position(text: string, offset: number, line: number, column: number): [number, number] {
  const nl = text.lastIndexOf('\n', offset - 1);
  if (nl === -1 || offset === 0) return [line, column + columnAt(text, offset) - 1];
  let lines = 0;
  for (let p = text.indexOf('\n'); p !== -1 && p < offset; p = text.indexOf('\n', p + 1)) lines++;
  return [line + lines, columnAt(text.slice(nl + 1), offset - nl - 1)];
}
