/**
 * The .ftp language, one door: parse → check → compile, plus the editor services.
 *
 *   const parsed = parse(text);                  // never throws
 *   const result = check(parsed, facts);         // diagnostics, needs, typed program
 *   if (result.program) plan = compile(result);  // the Plan (plan.ts)
 *
 * Pure TypeScript without I/O: it runs in Node and in the browser. Facts about the world
 * (dataset schemas, models, DuckDB's verdict on SQL snippets) come from the caller; see facts.ts
 * and checkWithFacts below.
 */
import { checkProgram, type CheckResult } from './check.ts';
import { compileProgram } from './compile.ts';
import { hasErrors, sortDiagnostics } from './diagnostics.ts';
import { emptyNeeds, hasNeeds, mergeFacts, type Facts, type Needs } from './facts.ts';
import { parse, type ParseResult } from './parse.ts';
import type { Plan } from './plan.ts';
import type { CheckedProgram } from './typed.ts';

export { parse, type ParseResult };
export type { CheckResult };

/**
 * Checks a parsed file. After syntax errors it stops: the semantic checks would only report
 * noise about half-parsed statements.
 */
export function check(parsed: ParseResult, facts: Facts = {}): CheckResult {
  if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics, needs: emptyNeeds(), program: null, schemas: {} };
  const r = checkProgram(parsed.ast, facts, parsed.source);
  return { ...r, diagnostics: sortDiagnostics([...parsed.diagnostics, ...r.diagnostics]) };
}

/** Compiles a checked program (from a CheckResult without errors) to a Plan. */
export function compile(checked: CheckResult | CheckedProgram): Plan {
  const program = 'nodes' in checked ? checked : checked.program;
  if (!program) throw new Error('compile: the program has errors; compile only what check() accepted');
  return compileProgram(program);
}

/**
 * parse + check, asking `fetch` for the facts each round needs (schemas first, then the SQL
 * snippets that run against them) until nothing new is needed. `fetch` does the I/O.
 */
export async function checkWithFacts(
  source: string,
  fetch: (needs: Needs) => Promise<Facts>,
  facts: Facts = {}
): Promise<{ parsed: ParseResult; result: CheckResult; facts: Facts }> {
  const parsed = parse(source);
  let result = check(parsed, facts);
  for (let round = 0; round < 4 && hasNeeds(result.needs); round++) {
    facts = mergeFacts(facts, await fetch(result.needs));
    result = check(parsed, facts);
  }
  return { parsed, result, facts };
}

export * from './diagnostics.ts';
export * from './facts.ts';
export * from './plan.ts';
export { LineIndex, type Span, type Position } from './spans.ts';
export type { Program, Statement, Operator, Expr } from './ast.ts';
export type { CheckedProgram } from './typed.ts';
export { METRICS, METRIC_NAMES, TRAINING_METRICS } from './metrics.ts';
export { sqlProbe, sqlErrorToFact } from './sql-probe.ts';
export { completions, hover, definition, formatDocument, monarchLanguage, toMarkers, type CompletionItem, type HoverInfo, type Marker } from './language.ts';
