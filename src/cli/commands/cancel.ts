import fs from 'node:fs';
import type { CliCommand, CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';

const usage = `Usage: tunebench cancel RUN_ID [--reason TEXT] [--json]

Stops a run that is in progress: one started from the workbench, by the API's job queue, or with
'tunebench run' in another terminal (the same as the run page's Cancel button). The run's process
sees the request at its next step boundary; a train stage saves a step checkpoint first, so
'tunebench rerun RUN_ID' continues from there. A run whose process is gone is marked cancelled
at once. Exit code 0 when the run stops or was asked to, 1 when it had already finished.
  --reason TEXT   recorded with the run (default: cancelled by request)
  --json          print the outcome as JSON`;

export const cancelCommand: CliCommand = {
  name: 'cancel',
  usage,
  async run(ctx: CliContext) {
    const { values, positionals } = parseFlags(ctx.argv, { reason: { type: 'string' }, json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`cancel needs one RUN_ID (see tunebench runs)\n\n${usage}`);
    const { cancelRun, isRunId, runPaths } = await import('../../engine/runs/index.ts');
    const id = positionals[0];
    const ws = await ctx.workspace();
    if (!isRunId(id)) throw new UsageError(`'${id}' is not a run id (runs look like 20261121-172501-ab12cd; see tunebench runs)`, 1);
    if (!fs.existsSync(runPaths(ws, id).dir)) throw new UsageError(`no run '${id}' in ${ws.root} (see tunebench runs)`, 1);
    const r = await cancelRun(ws, id, values.reason ?? 'cancelled by request');
    ctx.io.out(values.json ? JSON.stringify(r) : r.message);
    return r.outcome === 'finished' ? 1 : 0;
  }
};
