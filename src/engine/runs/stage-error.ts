/**
 * A failed stage, located in the pipeline source: the message, the stage's span as file:line:col,
 * and the source line with a caret, rendered by the same renderer as check diagnostics. Run-time
 * failures use codes R1xx, which are not in the checker's catalogue (they are not about the text).
 */
import { LineIndex, renderDiagnostic, type Code, type Diagnostic } from '../../../dsl/index.ts';
import type { PlanStage } from '../../../dsl/plan.ts';
import type { StageError } from './types.ts';

/** R100: a stage failed while running. R101: no executor is registered for the stage's kind. */
export type RunErrorCode = 'R100' | 'R101';

export function stageError(stage: PlanStage, message: string, source: string, file: string, opts: { code?: RunErrorCode; help?: string[]; color?: boolean } = {}): StageError {
  const index = new LineIndex(source);
  const pos = index.position(stage.span.start);
  const help = opts.help ?? [];
  const diagnostic: Diagnostic = {
    code: (opts.code ?? 'R100') as unknown as Code,
    severity: 'error',
    message: `stage ${stage.id} (${stage.kind}) failed: ${message}`,
    span: stage.span,
    help,
    data: { stage: stage.id },
    related: []
  };
  return { message, stage: stage.id, span: stage.span, line: pos.line, column: pos.column, rendered: renderDiagnostic(diagnostic, source, file, index, { color: opts.color }), help };
}

/** The user-facing text of an error thrown by a stage (DuckDB errors keep their first lines). */
export function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').slice(0, 6).join('\n').trim() || 'unknown error';
}
