import type { CliCommand, CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { renderStartedRun } from './run-start.ts';
import { readPipelineFile } from './run-display.ts';

const usage = `Usage: tunebench run FILE [--json]

Checks the .ftp pipeline (refusing it when it has errors), then runs its stages in order. Each
stage's output is cached by a key over its kind, parameters, input keys and the engine version:
unchanged stages are reused (cache hit), the others run and say why (parameters changed, input
changed: NAME, engine version changed, no cached output). The run is recorded under
.tunebench/runs/RUN_ID (source, plan, status, events); Ctrl-C cancels it cleanly.
Exit codes: 0 succeeded, 1 failed or refused, 130 cancelled.
  --json   print the final status as JSON (no progress bars)`;

export const runCommand: CliCommand = {
  name: 'run',
  usage,
  async run(ctx: CliContext) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`run needs one FILE\n\n${usage}`);
    const file = positionals[0];
    const source = await readPipelineFile(file);
    return renderStartedRun(ctx, { source, file }, { json: Boolean(values.json) });
  }
};
