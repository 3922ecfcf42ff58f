/**
 * Validation findings: what is wrong (or noteworthy) about an input file, where, and how to fix it.
 * Every check in validate/ and formats/ reports through this one shape, so the CLI, the web upload
 * and the /v1/files endpoint can render the same report.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Stable snake_case code, e.g. `missing_content`, `invalid_utf8`. Safe to match on. */
  code: string;
  /** The file as the user named it (base name for uploads). */
  file: string;
  /** 1-based line; null for findings about the whole file (e.g. `too_few_examples`). */
  line: number | null;
  /** 1-based column in characters (code points) of the decoded line; null when unknown. */
  column: number | null;
  /** Field path inside the record, e.g. `messages[2].content`; '' for the record itself. */
  path: string;
  message: string;
  hint: string;
}

/** A finding before the file name and absolute line are known (what a record check returns). */
export type Issue = Omit<Finding, 'file' | 'line' | 'column'> & { line?: number | null; column?: number | null };

export function issue(severity: Severity, code: string, path: string, message: string, hint = ''): Issue {
  return { severity, code, path, message, hint };
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Collects findings with bounded memory: every finding is counted, but only the first `perCode`
 * of each code are kept (a 1M-line file with one systematic fault must not hold 1M objects).
 * Lines with errors are all kept, because `--skip-invalid` reports them.
 */
export class FindingSink {
  readonly counts = new Map<string, { severity: Severity; count: number }>();
  readonly kept: Finding[] = [];
  private keptPerCode = new Map<string, number>();
  readonly errorLines = new Set<number>();
  errors = 0;
  warnings = 0;

  constructor(readonly perCode = 200) {}

  add(f: Finding): void {
    const c = this.counts.get(f.code);
    if (c) c.count++;
    else this.counts.set(f.code, { severity: f.severity, count: 1 });
    if (f.severity === 'error') {
      this.errors++;
      if (f.line !== null) this.errorLines.add(f.line);
    } else if (f.severity === 'warning') this.warnings++;
    const n = this.keptPerCode.get(f.code) ?? 0;
    if (n < this.perCode) {
      this.kept.push(f);
      this.keptPerCode.set(f.code, n + 1);
    }
  }

  /** Whether a finding with this code would still be kept (lets callers skip costly locating). */
  wouldKeep(code: string): boolean {
    return (this.keptPerCode.get(code) ?? 0) < this.perCode;
  }

  /** Merges a sink summary produced elsewhere (a worker), shifting its lines by `lineOffset`. */
  merge(s: SinkSummary, lineOffset: number): void {
    for (const [code, c] of Object.entries(s.counts)) {
      const kept = s.kept.filter((f) => f.code === code).length;
      const mine = this.counts.get(code);
      // Counts of findings the worker did not keep are added without objects.
      if (mine) mine.count += c.count - kept;
      else if (c.count - kept > 0) this.counts.set(code, { severity: c.severity, count: c.count - kept });
      if (c.severity === 'error') this.errors += c.count - kept;
      else if (c.severity === 'warning') this.warnings += c.count - kept;
    }
    for (const f of s.kept) this.add({ ...f, line: f.line === null ? null : f.line + lineOffset });
    for (const l of s.errorLines) this.errorLines.add(l + lineOffset);
  }

  summary(): SinkSummary {
    return { counts: Object.fromEntries(this.counts), kept: this.kept, errorLines: [...this.errorLines] };
  }

  /** Kept findings ordered by line (file-level first), then column, then severity. */
  sorted(): Finding[] {
    return [...this.kept].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  }
}

/** Plain-data form of a sink (crosses worker boundaries). */
export interface SinkSummary {
  counts: Record<string, { severity: Severity; count: number }>;
  kept: Finding[];
  errorLines: number[];
}
