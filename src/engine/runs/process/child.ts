/**
 * The body of a run process:
 *
 *   node run-process.mjs --workspace ROOT --file pipelines/NAME.ftp [--source-from-parent]
 *   node run-process.mjs --workspace ROOT --rerun RUN_ID
 *
 * Starts the run (startRun, or rerun for --rerun) with origin `web`, reports once to the parent
 * over IPC (protocol.ts: started / check_failed / error), then waits for the run to end. The
 * executor records this process's pid in status.json, so a reader sees the run as stale (not
 * running) if this process dies without writing a final status. With --source-from-parent the
 * text comes as the parent's first IPC message; otherwise it is read from FILE in the workspace.
 *
 * Stopping: a cancel from the run page is the cancel-request file the executor watches
 * (runs/cancel.ts). SIGTERM, SIGINT or the parent going away (the IPC channel closes) abort the
 * run's signal: the stage stops at its next check (the trainer writes a step checkpoint first)
 * and the run ends `cancelled` with the reason in its status. The same signal twice exits at once.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { openWorkspace } from '../../workspace.ts';
import { PipelineCheckError, rerun, startRun, type StartedRun } from '../index.ts';
import { isSourceMessage, type RunReport } from './protocol.ts';
import { interruptSignal } from '../../util/process.ts';

interface Args {
  workspace: string;
  file: string | null;
  rerun: string | null;
  sourceFromParent: boolean;
}

export const USAGE = 'usage: run-process.mjs --workspace ROOT (--file FILE [--source-from-parent] | --rerun RUN_ID)';

export function parseArgs(argv: string[]): Args | string {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : null;
  };
  const args = { workspace: value('workspace') ?? '', file: value('file'), rerun: value('rerun'), sourceFromParent: argv.includes('--source-from-parent') };
  if (!args.workspace) return `${USAGE}: --workspace is missing`;
  if ((args.file === null) === (args.rerun === null)) return `${USAGE}: give either --file or --rerun`;
  if (args.sourceFromParent && !process.send) return `${USAGE}: --source-from-parent needs an IPC channel (spawn with stdio 'ipc')`;
  return args;
}

/** Sends the report to the parent (or prints it as a JSON line when run by hand). */
function report(m: RunReport): Promise<void> {
  if (!process.send || !process.connected) {
    console.log(JSON.stringify(m));
    return Promise.resolve();
  }
  return new Promise((resolve) => process.send!(m, undefined, {}, () => resolve()));
}

function sourceFromParent(): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!isSourceMessage(m)) return;
      process.off('disconnect', onGone);
      process.off('message', onMessage);
      resolve(m.source);
    };
    const onGone = () => reject(new Error('the parent process went away before it sent the pipeline text'));
    process.on('message', onMessage);
    process.once('disconnect', onGone);
  });
}

/** Runs to the end; resolves with the exit code (0 succeeded, 1 failed or not started, 2 usage, 130 cancelled). */
export async function runProcessMain(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    await report({ type: 'error', message: args });
    return 2;
  }
  const signal = interruptSignal((cause) => (cause === 'disconnect' ? 'interrupted: the web server went away' : `interrupted by ${cause} (the web server stops its runs when it shuts down)`));
  let started: StartedRun;
  try {
    const ws = await openWorkspace(args.workspace);
    if (args.rerun !== null) started = await rerun(ws, args.rerun, { origin: 'web', signal });
    else {
      const source = args.sourceFromParent ? await sourceFromParent() : await fsp.readFile(path.resolve(ws.root, args.file!), 'utf8');
      started = await startRun(ws, { source, file: args.file! }, { origin: 'web', signal });
    }
  } catch (e) {
    if (e instanceof PipelineCheckError) await report({ type: 'check_failed', message: e.message, diagnostics: e.diagnostics, rendered: e.rendered, file: e.file });
    else await report({ type: 'error', message: (e as Error).message ?? String(e) });
    return 1;
  }
  await report({ type: 'started', runId: started.runId, pid: process.pid });
  const status = await started.done;
  return status.status === 'succeeded' ? 0 : status.status === 'cancelled' ? 130 : 1;
}
