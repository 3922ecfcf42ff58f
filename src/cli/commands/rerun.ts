import type { CliCommand, CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { renderStartedRun } from './run-start.ts';

const usage = `Usage: tunebench rerun RUN_ID [--json]

Runs the exact pipeline source saved with RUN_ID again, as a new run. Each stage is a cache hit
when its key is unchanged; otherwise the output says why it re-ran, compared with RUN_ID (input
changed: NAME, parameters changed, engine version changed, no cached output).
  --json   print the final status as JSON`;

export const rerunCommand: CliCommand = {
  name: 'rerun',
  usage,
  async run(ctx: CliContext) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`rerun needs one RUN_ID (see tunebench runs)\n\n${usage}`);
    try {
      return await renderStartedRun(ctx, { rerunOf: positionals[0] }, { json: Boolean(values.json) });
    } catch (e) {
      const msg = (e as Error).message;
      if (/not a run id|no run /.test(msg)) throw new UsageError(msg, 1);
      throw e;
    }
  }
};
