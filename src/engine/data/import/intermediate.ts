/**
 * The intermediate NDJSON a scan writes (one line per valid record) and DuckDB then reads into
 * Parquet:  {"i": conversation_id, "l": line, "t": turns, "c": chars, "s": system_text,
 *            "u": user_text, "a": assistant_text, "d": {"messages": [...], "tools": ..., <column>: text}}
 * (the derived columns come from JavaScript, which has the messages at hand anyway; DuckDB's list
 * lambdas for the same cost more than the whole scan step).
 *
 * Speed matters here (a million records): lines are assembled in a reused 8 MB buffer, and a
 * passthrough record's own bytes are copied in as "d" without being re-serialised. The output is
 * rotated into parts of about 32 MB, so DuckDB's ordered multi-threaded reader only ever holds a
 * couple of small files in flight instead of buffering a whole worker's output.
 */
import fs from 'node:fs';
import path from 'node:path';

const BUFFER = 8 << 20;
const OPEN_ID = Buffer.from('{"i":"', 'latin1');
const OPEN_LINE = Buffer.from('","l":', 'latin1');
const OPEN_DATA = Buffer.from(',"d":', 'latin1');
const COMMA = 0x2c;
const PART_BYTES = 32 << 20;

export interface WrittenPart {
  path: string;
  rows: number;
}

export class IntermediateWriter {
  private buf = Buffer.allocUnsafe(BUFFER);
  private pos = 0;
  private fd = -1;
  private partBytes = 0;
  private current: WrittenPart | null = null;
  readonly parts: WrittenPart[] = [];

  /**
   * Parts are named `${prefix}-NNNN.ndjson` in `dir`. With `idsOnly` the lines hold just "i" and
   * "l" (validation needs no more than that to find duplicates).
   */
  constructor(
    private dir: string,
    private prefix: string,
    readonly idsOnly = false
  ) {}

  private open(): void {
    const p = path.join(this.dir, `${this.prefix}-${String(this.parts.length).padStart(4, '0')}.ndjson`);
    this.fd = fs.openSync(p, 'w');
    this.current = { path: p, rows: 0 };
    this.parts.push(this.current);
    this.partBytes = 0;
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Writes {"i":"<id>","l":<line>  (no template string per record: this runs a million times). */
  private head(id: string, line: number, reserve: number): void {
    if (this.fd < 0 || this.partBytes >= PART_BYTES) {
      this.flush();
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.open();
    }
    this.room(reserve + 64);
    const b = this.buf;
    b.set(OPEN_ID, this.pos);
    this.pos += OPEN_ID.length;
    this.pos += b.write(id, this.pos, 'latin1');
    b.set(OPEN_LINE, this.pos);
    this.pos += OPEN_LINE.length;
    let digits = 1;
    for (let x = line; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let k = digits - 1, x = line; k >= 0; k--, x = Math.floor(x / 10)) b[this.pos + k] = 0x30 + (x % 10);
    this.pos += digits;
  }

  /** head, then ,<derived>,"d":  */
  private begin(id: string, line: number, derived: string, maxBody: number): void {
    this.head(id, line, maxBody + derived.length * 3);
    const b = this.buf;
    b[this.pos++] = COMMA;
    this.pos += b.write(derived, this.pos, 'utf8');
    b.set(OPEN_DATA, this.pos);
    this.pos += OPEN_DATA.length;
  }

  private end(): void {
    this.buf[this.pos++] = 0x7d; // }
    this.buf[this.pos++] = 0x0a; // \n
    this.current!.rows++;
  }

  /** A record whose JSON bytes are copied verbatim as "d" (single line, canonical layout). */
  writeRaw(id: string, line: number, derived: string, raw: Uint8Array): void {
    this.begin(id, line, derived, raw.length);
    this.buf.set(raw, this.pos);
    this.pos += raw.length;
    this.end();
  }

  /** Only the id and the line: {"i":"<id>","l":<line>}. */
  writeId(id: string, line: number): void {
    this.head(id, line, 0);
    this.end();
  }

  /** A record re-serialised as JSON text. */
  writeJson(id: string, line: number, derived: string, json: string): void {
    this.begin(id, line, derived, json.length * 3);
    this.pos += this.buf.write(json, this.pos, 'utf8');
    this.end();
  }

  flush(): void {
    if (this.pos === 0 || this.fd < 0) return;
    let off = 0;
    while (off < this.pos) off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    this.partBytes += this.pos;
    this.pos = 0;
  }

  close(): WrittenPart[] {
    this.flush();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    return this.parts.filter((p) => p.rows > 0);
  }
}
