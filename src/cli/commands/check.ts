import fsp from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { checkWithFacts, hasErrors, LineIndex, renderDiagnostics, summarize } from '../../../dsl/index.ts';
import { gatherFacts } from '../../engine/facts.ts';

const usage = `Usage: tunebench check FILE [--json]

Checks a .ftp pipeline: syntax, names, columns of the datasets it reads (from the workspace
catalog, or the head of each source file), base models (.tunebench/models and TUNEBENCH_MODELS),
metric names and options, and \`sql "..."\` snippets (parsed by DuckDB). Prints every problem with
its line and a caret; exits 1 when there are errors.
  --json   the diagnostics as JSON (1-based line/column and 0-based offsets)`;

export const checkCommand: CliCommand = {
  name: 'check',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`check needs one FILE\n\n${usage}`);
    const file = positionals[0];
    let source: string;
    try {
      source = await fsp.readFile(path.resolve(file), 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const ws = await ctx.workspace();
    const { result } = await checkWithFacts(source, (needs) => gatherFacts(ws, needs, ctx.env));
    const failed = hasErrors(result.diagnostics);
    if (values.json) {
      const index = new LineIndex(source);
      const diagnostics = result.diagnostics.map((d) => {
        const s = index.position(d.span.start);
        const e = index.position(d.span.end);
        return { code: d.code, severity: d.severity, message: d.message, line: s.line, column: s.column, end_line: e.line, end_column: e.column, span: d.span, help: d.help, data: d.data };
      });
      ctx.io.out(JSON.stringify({ file, ok: !failed, pipeline: result.program?.pipeline ?? null, stages: result.program?.nodes.length ?? null, diagnostics }, null, 2));
      return failed ? 1 : 0;
    }
    if (result.diagnostics.length) ctx.io.out(renderDiagnostics(result.diagnostics, source, file, { color: ctx.io.isTTY && Boolean(process.stdout.isTTY) && !ctx.env.NO_COLOR }) + '\n');
    if (failed) {
      ctx.io.out(`${file}: ${summarize(result.diagnostics)}`);
      return 1;
    }
    const p = result.program!;
    ctx.io.out(`${file}: ok — pipeline ${p.pipeline}, ${p.nodes.length} statements${result.diagnostics.length ? ` (${summarize(result.diagnostics)})` : ''}`);
    return 0;
  }
};
