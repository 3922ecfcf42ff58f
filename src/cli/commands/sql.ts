import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, parseFlags } from '../args.ts';
import { renderCsv, renderTable } from '../format.ts';

const usage = `Usage: tunebench sql "QUERY" [--json | --csv] [--max-rows N] [--save NAME]

Runs one read-only query (DuckDB SQL) over the workspace's datasets: each dataset is a table
(its latest version; NAME_vN for version N), and "messages" has one row per message
(dataset, conversation_id, source_line, message_index, role, content, weight, effective_weight, ...).
Nothing else is visible: no other files, no network, no settings.

  --json         rows as JSON objects
  --csv          rows as CSV
  --max-rows N   print at most N rows (default 100)
  --save NAME    store the result as a new version of dataset NAME (it must keep the canonical
                 columns: conversation_id, messages, tools, source_file, source_line)

Example: tunebench sql "select intent, count(*) from support group by 1 order by 2 desc"`;

export const sqlCommand: CliCommand = {
  name: 'sql',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' }, csv: { type: 'boolean' }, 'max-rows': { type: 'string' }, save: { type: 'string' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`sql needs exactly one QUERY (quote it)\n\n${usage}`);
    if (values.json && values.csv) throw new UsageError('--json and --csv exclude each other');
    const ws = await ctx.workspace();
    const { Sandbox, SandboxError } = await import('../../engine/data/sandbox.ts');
    const { saveQueryAsDataset } = await import('../../engine/data/save-query.ts');
    try {
      if (values.save) {
        const r = await saveQueryAsDataset(ws, positionals[0], values.save);
        ctx.io.out(r.message);
        return 0;
      }
      const maxRows = intFlag(values['max-rows'], 'max-rows', 100)!;
      const { runViews } = await import('../../engine/runs/views.ts');
      const sandbox = await Sandbox.open(ws, { extraViews: await runViews(ws) });
      try {
        const r = await sandbox.query(positionals[0], { maxRows });
        if (values.json) ctx.io.out(JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))), null, 2));
        else if (values.csv) ctx.io.out(renderCsv(r.columns, r.rows));
        else ctx.io.out(renderTable(r.columns, r.rows));
        if (!values.json && !values.csv) ctx.io.err(`${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${r.truncated ? ` (more not shown; --max-rows ${maxRows})` : ''} in ${r.elapsedMs} ms`);
        else if (r.truncated) ctx.io.err(`(truncated at ${maxRows} rows; --max-rows N for more)`);
      } finally {
        sandbox.close();
      }
      return 0;
    } catch (e) {
      if (e instanceof SandboxError) {
        ctx.io.err(`tunebench sql: ${e.message}`);
        return 1;
      }
      throw e;
    }
  }
};
