/**
 * The report of an upload job (UploadOutcome) from what importDataset / validateFile returned,
 * worded for the upload form: the engine's column-mapping messages name the CLI's `--map` flag,
 * and on the web the same fix is the form's "Column mapping" section. The engine's text (and so
 * the CLI's) stays as it is; findings are matched by their stable codes.
 */
import type { ImportResult, Report } from '../../engine/data/import.ts';
import type { Finding, UploadOutcome, UploadSettings } from '$lib/uploads';

const MAPPING_HINT = 'choose the user and assistant columns under “Column mapping” on the upload form and upload the file again, or type a mapping such as user=COLUMN,assistant=COLUMN,intent=COLUMN';

/** An engine message about the column mapping or its CLI flags, as the upload form says it. */
export function webMappingMessage(text: string): string {
  return text
    .replace(/or pass --skip-invalid to import/g, 'or tick “Skip invalid records” and upload again to import')
    .replace(/name them with --map user=COLUMN,assistant=COLUMN/g, 'choose them under “Column mapping” (user and assistant) and upload the file again')
    .replace(/--map needs /g, 'the column mapping needs ')
    .replace(/--map (?=\S+=)/g, 'column mapping ');
}

function forTheWeb(f: Finding): Finding {
  if (f.code === 'mapping_error') return { ...f, message: webMappingMessage(f.message), hint: MAPPING_HINT };
  if (f.code === 'column_mapping') return { ...f, hint: 'set a “Column mapping” on the upload form to choose other columns' };
  return f;
}

/** The mapping the engine used: the one given, or its guess (the `column_mapping` note). */
function mappingUsed(settings: UploadSettings, findings: Finding[]): UploadOutcome['mapping'] {
  if (settings.map) return { text: settings.map, given: true };
  const note = findings.find((f) => f.code === 'column_mapping')?.message;
  const prefix = 'column mapping: ';
  return note?.startsWith(prefix) ? { text: note.slice(prefix.length), given: false } : null;
}

export function outcomeOf(settings: UploadSettings, r: ImportResult | Report, elapsedMs: number): UploadOutcome {
  const tabular = r.detection.container === 'csv' || r.detection.container === 'parquet';
  const findings = r.findings.map(forTheWeb);
  const base = {
    mode: settings.mode,
    file: r.file,
    format: `${r.detection.format}${tabular ? '' : ` (${r.detection.container})`}`,
    mapping: tabular ? mappingUsed(settings, findings) : null,
    lines: r.lines,
    records: r.records,
    valid: r.valid,
    errors: r.errors,
    warnings: r.warnings,
    duplicates: r.duplicates,
    counts: r.counts,
    findings,
    skippedLines: r.skippedLines
  };
  if ('status' in r) {
    const message = r.ok ? r.message : webMappingMessage(r.message);
    return { ...base, ok: r.ok, status: r.status, message, name: r.name, version: r.version?.version ?? null, rows: r.rows, elapsedMs: r.elapsedMs };
  }
  const ok = r.errors === 0;
  const mappingError = findings.find((f) => f.code === 'mapping_error');
  const message = ok
    ? `${r.file} is valid: ${r.valid} records${r.warnings ? `, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}` : ''}`
    : mappingError
      ? `${r.file} cannot be read: ${mappingError.message}`
      : `${r.file} has ${r.errors} error${r.errors === 1 ? '' : 's'} in ${r.records - r.valid} of ${r.records} records`;
  return { ...base, ok, status: ok ? 'valid' : 'invalid', message, name: null, version: null, rows: r.valid, elapsedMs };
}
