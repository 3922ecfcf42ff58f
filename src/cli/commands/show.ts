import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { formatDuration } from '../format.ts';
import { readRun, type StageStatus } from '../../engine/runs/index.ts';
import { stageLine } from './run-display.ts';

const usage = `Usage: tunebench show RUN_ID [--json] [--no-source]

Shows one run: status, times, every stage with rows in/out, time and cache decision, each
stage's summary (duplicates removed, redactions per kind, split sizes...), errors with their
place in the pipeline source, and the source text that ran.
  --json        status, manifest, plan and source as JSON
  --no-source   leave the pipeline text out`;

/** A one-line summary of the figures an operator reports. */
function summaryText(s: StageStatus): string[] {
  const m = s.summary;
  if (!m) return [];
  const skip = new Set(['rows_in', 'rows_out', 'examples', 'strata', 'classes', 'timings_ms', 'report', 'inputs']);
  const flat = Object.entries(m)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  const lines = flat.length ? [flat.join('  ')] : [];
  const examples = m.examples as { source_line: number; kept_source_line: number; similarity: number; text: string }[] | undefined;
  if (examples?.length) for (const e of examples.slice(0, 3)) lines.push(`line ${e.source_line} ≈ line ${e.kept_source_line} (${e.similarity}): ${String(e.text).replace(/\s+/g, ' ').slice(0, 80)}`);
  return lines;
}

export const showCommand: CliCommand = {
  name: 'show',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' }, 'no-source': { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`show needs one RUN_ID (see tunebench runs)\n\n${usage}`);
    const ws = await ctx.workspace();
    let run;
    try {
      run = await readRun(ws, positionals[0]);
    } catch (e) {
      throw new UsageError((e as Error).message, 1);
    }
    if (values.json) {
      ctx.io.out(JSON.stringify({ run_id: run.id, stale: run.stale, manifest: run.manifest, status: run.status, plan: run.plan, source: run.source }, null, 2));
      return 0;
    }
    const s = run.status;
    const m = run.manifest;
    ctx.io.out(`run ${s.run_id} — pipeline ${s.pipeline} (${m.file})${m.rerun_of ? `, rerun of ${m.rerun_of}` : ''}`);
    ctx.io.out(`status ${s.status}${run.stale ? ' (stale: its process is gone)' : ''}; created ${s.created_at}${s.elapsed_ms !== null ? `; took ${formatDuration(s.elapsed_ms)}` : ''}`);
    ctx.io.out(`engine ${m.engine_version}, node ${m.environment.node}, duckdb ${m.environment.duckdb ?? '?'}, ${m.environment.cpus} cpus (${m.environment.cpu_model})\n`);
    const width = Math.max(8, ...s.stages.map((x) => x.id.length));
    for (const st of s.stages) {
      ctx.io.out(stageLine(st, width));
      for (const line of summaryText(st)) ctx.io.out(`    ${line}`);
      for (const [part, o] of Object.entries(st.outputs)) if (o.kind === 'parquet') ctx.io.out(`    → ${part === 'main' ? '' : `${part}: `}${o.path}`);
    }
    const failed = s.stages.find((x) => x.error);
    if (failed?.error) ctx.io.out(`\n${failed.error.rendered}`);
    else if (s.error) ctx.io.out(`\n${s.error.message}`);
    if (!values['no-source']) ctx.io.out(`\n--- ${m.file_name} (as run)\n${run.source.replace(/\n$/, '')}`);
    return 0;
  }
};
