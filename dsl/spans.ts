/**
 * Source positions. Everything inside dsl/ stores 0-based, half-open character offsets
 * ({ start, end }, end exclusive). Lines and columns (1-based) exist only at the edges: the CLI
 * renderer and the editor's markers convert through a LineIndex.
 */

export interface Span {
  start: number;
  end: number;
}

export function span(start: number, end: number): Span {
  return { start, end: Math.max(start, end) };
}

/** The smallest span covering both. */
export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function contains(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, counted in UTF-16 code units (what editors use) */
  column: number;
}

/** Maps offsets to 1-based line/column and back. Line breaks: \n, \r\n, \r. */
export class LineIndex {
  /** Offset at which each line starts. */
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  offset(pos: Position): number {
    const line = Math.max(1, Math.min(pos.line, this.starts.length));
    const start = this.starts[line - 1];
    return Math.min(start + Math.max(0, pos.column - 1), this.lineEnd(line));
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    return this.text.slice(start, this.lineEnd(line));
  }

  /** Offset just before the line break of a 1-based line. */
  lineEnd(line: number): number {
    const next = this.starts[line];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
