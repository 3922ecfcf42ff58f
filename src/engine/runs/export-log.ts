/**
 * Every export of a run's trained model, wherever it was written (`tunebench export --out DIR`,
 * the run page's export buttons, the models page): one line per export in
 *
 *   runs/<run-id>/exports.jsonl   { stage, checkpoint, format, out, created_at }
 *
 * Retention reads it: a model someone exported is kept (engine/api/models/retention.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../workspace.ts';
import { appendJsonLine } from './events.ts';
import { runPaths } from './layout.ts';

export interface ExportLogEntry {
  stage: string;
  checkpoint: string;
  format: string;
  /** Where the export was written (absolute). */
  out: string;
  created_at: string;
}

const logFile = (ws: Workspace, runId: string) => path.join(runPaths(ws, runId).dir, 'exports.jsonl');

export function recordExport(ws: Workspace, runId: string, entry: Omit<ExportLogEntry, 'created_at'>): void {
  appendJsonLine(logFile(ws, runId), { ...entry, created_at: new Date().toISOString() });
}

/** The exports of a run, oldest first (an unreadable line is skipped: the log is advisory). */
export function readExportLog(ws: Workspace, runId: string): ExportLogEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(logFile(ws, runId), 'utf8');
  } catch {
    return [];
  }
  const out: ExportLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ExportLogEntry);
    } catch {
      /* a torn last line from a crash */
    }
  }
  return out;
}
