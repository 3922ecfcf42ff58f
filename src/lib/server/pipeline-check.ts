/**
 * Checking pipeline text on the server, with the workspace's facts (the same check `tunebench
 * check` runs): diagnostics with 1-based positions, and the Plan when there are no errors.
 */
import { checkWithFacts, compile, hasErrors, LineIndex, type Diagnostic, type Plan } from '../../../dsl/index.ts';
import { gatherFacts } from '../../engine/facts.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';

export interface PositionedDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  help: string[];
  file: string;
  line: number;
  column: number;
}

export async function checkSourceText(ws: Workspace, source: string, file: string): Promise<{ diagnostics: PositionedDiagnostic[]; plan: Plan | null }> {
  const { result } = await checkWithFacts(source, (needs) => gatherFacts(ws, needs));
  const index = new LineIndex(source);
  const at = (d: Diagnostic) => index.position(d.span.start);
  const diagnostics = result.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, help: d.help, file, ...at(d) }));
  const plan = result.program && !hasErrors(result.diagnostics) ? compile(result) : null;
  return { diagnostics, plan };
}

/** The text if it checks without errors; else a 422 whose details list the diagnostics. */
export async function checkedSource(ws: Workspace, source: string, file: string): Promise<{ source: string; plan: Plan }> {
  const { diagnostics, plan } = await checkSourceText(ws, source, file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!plan || errors.length) {
    const first = errors[0];
    throw new ApiFailure(422, 'pipeline_has_errors', `${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; the first: line ${first.line}: ${first.message}` : ''}`, { diagnostics });
  }
  return { source, plan };
}
