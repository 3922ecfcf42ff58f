/**
 * Plain-text rendering of a validation report: findings grouped by severity and code, each with
 * file:line:column, field path, message and hint, and a bounded number shown per code so a
 * million-line file with one systematic fault stays readable. Used by `tunebench validate` and
 * `tunebench import`; the web and the API render the same Report data their own way.
 */
import type { Finding, Severity } from './finding.ts';

export interface ReportLike {
  file: string;
  findings: Finding[];
  counts: Record<string, { severity: Severity; count: number }>;
}

export function location(f: Pick<Finding, 'file' | 'line' | 'column'>): string {
  if (f.line === null) return f.file;
  return f.column === null ? `${f.file}:${f.line}` : `${f.file}:${f.line}:${f.column}`;
}

const ORDER: Severity[] = ['error', 'warning', 'info'];
const TITLE: Record<Severity, string> = { error: 'errors', warning: 'warnings', info: 'notes' };

export interface RenderOptions {
  /** Findings shown per code (default 5). */
  perCode?: number;
  /** Severities to show in full; others only in the summary (default all). */
  detail?: Severity[];
}

export function renderFindings(r: ReportLike, opts: RenderOptions = {}): string {
  const perCode = opts.perCode ?? 5;
  const detail = new Set(opts.detail ?? ORDER);
  const out: string[] = [];
  for (const sev of ORDER) {
    const codes = Object.entries(r.counts).filter(([, c]) => c.severity === sev && c.count > 0);
    if (codes.length === 0) continue;
    const total = codes.reduce((a, [, c]) => a + c.count, 0);
    out.push(`${TITLE[sev]} (${total.toLocaleString('en-US')})`);
    codes.sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    for (const [code, c] of codes) {
      const shown = detail.has(sev) ? r.findings.filter((f) => f.code === code).slice(0, perCode) : [];
      out.push(`  ${code} ×${c.count.toLocaleString('en-US')}`);
      for (const f of shown) {
        out.push(`    ${location(f)}${f.path ? `  ${f.path}` : ''}`);
        out.push(`      ${f.message}`);
        if (f.hint) out.push(`      hint: ${f.hint}`);
      }
      const rest = c.count - shown.length;
      if (shown.length > 0 && rest > 0) {
        const lines = r.findings.filter((f) => f.code === code && f.line !== null).slice(shown.length, shown.length + 12).map((f) => f.line);
        out.push(`    … ${rest.toLocaleString('en-US')} more${lines.length ? ` (lines ${lines.join(', ')}${rest > lines.length ? ', …' : ''})` : ''}`);
      }
    }
  }
  return out.join('\n');
}
