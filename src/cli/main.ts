/**
 * Entry point of the `tunebench` command: global flags, dispatch to one command, exit codes.
 * Exit codes: 0 ok, 1 the work failed (e.g. validation errors), 2 usage error.
 */
import path from 'node:path';
import { commands } from './commands/index.ts';
import { UsageError, type CliContext, type CliIO } from './command.ts';
import { openWorkspace } from '../engine/workspace.ts';

const GLOBAL_HELP = `Global options:
  --workspace DIR   the workspace folder (default: the current folder; created on first use)
  -h, --help        show help for a command`;

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `tunebench — fine-tune language models on conversation data\n\nUsage: tunebench COMMAND [options]\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n\nRun 'tunebench help COMMAND' for a command's options.`;
}

/** Removes --workspace DIR / --workspace=DIR from anywhere in argv. */
function takeWorkspaceFlag(argv: string[]): { dir: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--workspace') {
      if (i + 1 >= argv.length) throw new UsageError('--workspace needs a folder');
      dir = argv[++i];
    } else if (a.startsWith('--workspace=')) dir = a.slice('--workspace='.length);
    else rest.push(a);
  }
  return { dir, rest };
}

export function defaultIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    isTTY: Boolean(process.stderr.isTTY)
  };
}

export async function main(argv: string[], io: CliIO = defaultIO(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { dir, rest } = takeWorkspaceFlag(argv);
    const [name, ...args] = rest;
    if (!name || name === '-h' || name === '--help') {
      io.out(helpText());
      return name ? 0 : 2;
    }
    if (name === 'help') {
      const target = args[0] && commands.find((c) => c.name === args[0]);
      io.out(target ? (await target.load()).usage : helpText());
      return 0;
    }
    if (name === '--version' || name === 'version') {
      const { ENGINE_VERSION } = await import('../engine/version.ts');
      io.out(`tunebench ${ENGINE_VERSION}`);
      return 0;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) {
      const near = commands.map((c) => c.name).filter((n) => n.startsWith(name.slice(0, 2)));
      throw new UsageError(`unknown command '${name}'${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : ''}\n\n${helpText()}`);
    }
    const command = await entry.load();
    if (args.includes('-h') || args.includes('--help')) {
      io.out(command.usage);
      return 0;
    }
    const workspaceDir = path.resolve(dir ?? env.TUNEBENCH_WORKSPACE ?? process.cwd());
    const ctx: CliContext = {
      argv: args,
      io,
      env,
      workspaceDir,
      workspace: () => openWorkspace(workspaceDir, { create: true })
    };
    return await command.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tunebench: ${e.message}`);
      return e.exitCode;
    }
    const err = e as Error & { code?: string };
    io.err(`tunebench: ${err?.message ?? String(e)}`);
    if (env.TUNEBENCH_DEBUG) io.err(err?.stack ?? '');
    return 1;
  }
}
