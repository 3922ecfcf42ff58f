/**
 * DuckDB error messages → errors with a position. DuckDB (native and wasm alike) ends errors
 * that know their position with a "LINE n: <excerpt>" line and a caret line under it; long lines
 * are shown as an excerpt with "..." on either side, so the column is found by locating the
 * excerpt in the query's own line.
 */

export interface SqlError {
  /** The message without the LINE/caret excerpt, e.g. 'Binder Error: Referenced column "x" not found…'. */
  message: string;
  /** "Parser Error", "Binder Error", "Catalog Error", … */
  kind?: string;
  /** 1-based, in the query text. */
  line?: number;
  column?: number;
  /** DuckDB's full message. */
  raw: string;
}

export function parseSqlError(raw: string, sql: string): SqlError {
  const kind = /^([A-Z][A-Za-z ]*? Error):/.exec(raw)?.[1];
  const m = /\n*LINE (\d+): (.*)\n( *)\^\s*$/.exec(raw);
  if (!m) {
    const message = raw.trim();
    if (/syntax error at end of input/.test(raw)) {
      const lines = sql.replace(/\s+$/, '').split('\n');
      return { message, kind, line: lines.length, column: lines[lines.length - 1].length + 1, raw };
    }
    return { message, kind, raw };
  }
  const line = Number(m[1]);
  const prefix = `LINE ${m[1]}: `.length;
  const excerpt = m[2];
  const caret = m[3].length - prefix;
  const message = raw.slice(0, m.index).trim();
  const source = sql.split('\n')[line - 1] ?? '';
  let column = caret + 1;
  if (excerpt.startsWith('...')) {
    const inner = excerpt.slice(3).replace(/\.\.\.$/, '');
    const at = source.indexOf(inner);
    column = at >= 0 ? at + (caret - 3) + 1 : column;
  }
  return { message, kind, line, column: Math.max(1, Math.min(column, source.length + 1)), raw };
}
