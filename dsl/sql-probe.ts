/**
 * The `filter sql "..."` escape hatch is checked by DuckDB itself: the caller prepares (never
 * runs) a probe statement that filters an empty table with the data's columns. DuckDB reports
 * errors with a window of the statement and a caret ("LINE 2: ... ^"); sqlErrorToFact maps that
 * caret back to an offset inside the snippet. Pure string work, so the browser's duckdb-wasm
 * and the server's native DuckDB share it.
 */
import type { ColumnFact, SqlFact } from './facts.ts';

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function sqlProbe(snippet: string, columns: ColumnFact[]): { probe: string; snippetOffset: number } {
  const cols = columns.length ? columns.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ') : 'NULL AS "_"';
  // the snippet on its own line(s), so DuckDB's "LINE n:" window shows the snippet's own text
  const head = `SELECT * FROM (SELECT ${cols} LIMIT 0) AS input WHERE (\n`;
  return { probe: `${head}${snippet}\n)`, snippetOffset: head.length };
}

/** Turns a DuckDB error message for `probe` into a fact about the snippet. */
export function sqlErrorToFact(message: string, probe: string, snippetOffset: number, snippetLength: number): SqlFact {
  const lines = message.split('\n');
  const lineIdx = lines.findIndex((l) => /^LINE \d+: /.test(l));
  const first = lines[0].replace(/^[A-Za-z ]+Error: /, '').trim();
  const hints = lines
    .slice(1, lineIdx === -1 ? undefined : lineIdx)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('LINE'));
  let offset: number | null = null;
  if (lineIdx !== -1 && lines[lineIdx + 1] !== undefined) {
    const m = /^LINE (\d+): (.*)$/.exec(lines[lineIdx])!;
    const lineNo = Number(m[1]);
    const prefix = `LINE ${m[1]}: `;
    let shown = m[2];
    const caretCol = lines[lineIdx + 1].indexOf('^') - prefix.length;
    let shift = 0;
    if (shown.startsWith('...')) {
      shown = shown.slice(3);
      shift = 3;
    }
    const visible = shown.endsWith('...') ? shown.slice(0, -3) : shown;
    const probeLines = probe.split('\n');
    const lineStart = probeLines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0);
    const lineText = probeLines[lineNo - 1] ?? '';
    const at = lineText.indexOf(visible);
    if (caretCol >= 0 && at !== -1) {
      const probeOffset = lineStart + at + (caretCol - shift);
      offset = Math.max(0, Math.min(snippetLength, probeOffset - snippetOffset));
    }
  }
  return { ok: false, message: first, offset, hints };
}
