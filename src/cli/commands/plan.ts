import type { CliCommand, CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { checkPipeline, describePlan, PipelineCheckError, registerBuiltinExecutors, type PlanStageView } from '../../engine/runs/index.ts';
import { fmtInt, printCheckError, readPipelineFile } from './run-display.ts';

const usage = `Usage: tunebench plan FILE [--json]

Checks and compiles a .ftp pipeline and prints its plan without running anything: every stage
with its inputs, its cache key, whether that key is already cached, and the SQL it runs (steps in
words where it is not SQL, e.g. MinHash). The SQL reads each input from the stage cache entry it
will have, so it can be pasted into DuckDB in the workspace folder once the inputs exist.
  --json   the Plan and the stage descriptions as JSON`;

function printStage(ctx: CliContext, v: PlanStageView, i: number): void {
  const inputs = v.inputs.length ? ` from ${v.inputs.map((x) => (x.role === 'data' ? x.name : `${x.name} (${x.role})`)).join(', ')}` : '';
  const cache = v.cache === 'cached' ? `cached${v.rows_out !== null ? `, ${fmtInt(v.rows_out)} rows` : ''}` : v.cache === 'missing' ? 'not cached' : v.cache;
  ctx.io.out(`[${i + 1}] ${v.id} — ${v.kind}${inputs}`);
  ctx.io.out(`    key ${v.key ? v.key.slice(0, 16) : '—'} (${cache})${v.note ? `: ${v.note}` : ''}`);
  for (const n of v.description.notes) ctx.io.out(`    · ${n}`);
  for (const s of v.description.sql) {
    ctx.io.out(`    -- ${s.title}`);
    ctx.io.out(s.text.replace(/^/gm, '    '));
  }
  ctx.io.out('');
}

export const planCommand: CliCommand = {
  name: 'plan',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`plan needs one FILE\n\n${usage}`);
    const file = positionals[0];
    const source = await readPipelineFile(file);
    const ws = await ctx.workspace();
    registerBuiltinExecutors();
    let checked;
    try {
      checked = await checkPipeline(ws, { source, file }, ctx.env);
    } catch (e) {
      if (e instanceof PipelineCheckError) return printCheckError(ctx, e);
      throw e;
    }
    const views = await describePlan(ws, checked.plan);
    if (values.json) {
      ctx.io.out(JSON.stringify({ file, plan: checked.plan, stages: views }, null, 2));
      return 0;
    }
    const p = checked.plan;
    ctx.io.out(`pipeline ${p.pipeline}${p.description ? ` — ${p.description}` : ''} (${p.stages.length} stages, ${views.filter((v) => v.cache === 'cached').length} cached)\n`);
    views.forEach((v, i) => printStage(ctx, v, i));
    ctx.io.out(`outputs: ${Object.entries(p.outputs).map(([name, o]) => `${name} = ${o.stage}${o.part ? `:${o.part}` : ''}`).join(', ')}`);
    return 0;
  }
};
