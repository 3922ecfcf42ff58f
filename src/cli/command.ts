/**
 * The shape of one `tunebench` sub-command. Each command lives in its own file under
 * src/cli/commands/ and is listed once, with its one-line summary, in src/cli/commands/index.ts.
 */
import type { Workspace } from '../engine/workspace.ts';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  readonly isTTY: boolean;
}

export interface CliContext {
  /** Arguments after the command name (global flags already removed). */
  argv: string[];
  io: CliIO;
  /** Opens (and creates on first use) the workspace named by --workspace, or the current folder. */
  workspace(): Promise<Workspace>;
  /** The workspace folder as given (resolved), without creating anything. */
  workspaceDir: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** Full usage text for `tunebench help NAME` and for argument errors. */
  usage: string;
  /** Returns the process exit code. */
  run(ctx: CliContext): Promise<number>;
}

/** An error the user caused (bad flag, missing file): printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UsageError';
  }
}
