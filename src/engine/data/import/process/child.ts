/**
 * The body of an import process (import-process.mjs, started by launch.ts with an IPC channel):
 * waits for the parent's one JobMessage, runs importDataset or validateFile with its options,
 * and reports over IPC (protocol.ts): `started`, throttled `progress`, then `done` with the
 * ImportResult / Report, or `failed` with the error's message. Exit code 0 done, 1 failed,
 * 2 started by hand, 143 stopped.
 *
 * Stopping: SIGTERM, SIGINT or the parent going away (the IPC channel closes) abort the job's
 * signal. importDataset then stops at its next check and removes its work; the catalog is written
 * last and atomically, so a stopped import leaves it as it was. The same signal twice exits at
 * once (work files of this pid are then removed by the next import: import/workdir.ts).
 */
import { importDataset, validateFile, type Progress } from '../../import.ts';
import { workersAvailable } from '../scan.ts';
import { openWorkspace } from '../../../workspace.ts';
import { isJobMessage, type JobMessage, type JobReport } from './protocol.ts';
import { interruptSignal } from '../../../util/process.ts';

function send(m: JobReport): Promise<void> {
  if (!process.send || !process.connected) return Promise.resolve(); // the parent is gone: nobody to tell
  return new Promise((resolve) => process.send!(m, undefined, {}, () => resolve()));
}

function jobFromParent(signal: AbortSignal): Promise<JobMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!isJobMessage(m)) return;
      process.off('message', onMessage);
      signal.removeEventListener('abort', onAbort);
      resolve(m);
    };
    const onAbort = () => reject(signal.reason);
    process.on('message', onMessage);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** At most one report per `everyMs`; the last one (all bytes read) always goes. */
function progressReporter(everyMs: number): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < everyMs && p.bytes < p.totalBytes) return;
    last = now;
    void send({ type: 'progress', bytes: p.bytes, totalBytes: p.totalBytes, rows: p.rows });
  };
}

export async function importProcessMain(): Promise<number> {
  if (!process.send) {
    console.error('import-process.mjs runs jobs sent by its parent over IPC (engine/data/import/process/launch.ts); it is not run by hand');
    return 2;
  }
  const signal = interruptSignal((cause) => (cause === 'disconnect' ? 'stopped (the process that started it went away)' : `stopped (${cause})`));
  let message: JobMessage;
  try {
    message = await jobFromParent(signal);
  } catch {
    return 143;
  }
  const { job } = message;
  await send({ type: 'started', pid: process.pid, scanWorkers: workersAvailable() });
  const onProgress = progressReporter(message.progressEveryMs);
  try {
    const result =
      job.mode === 'import'
        ? await importDataset(await openWorkspace(job.workspace), job.file, { ...job.options, onProgress, signal })
        : await validateFile(job.file, { ...job.options, onProgress, signal });
    await send({ type: 'done', result });
    return 0;
  } catch (e) {
    const aborted = signal.aborted;
    const what = job.mode === 'import' ? 'the import' : 'the validation';
    const message = aborted ? `${what} was ${(signal.reason as Error).message} before it finished` : ((e as Error)?.message ?? String(e));
    await send({ type: 'failed', message, aborted, stack: aborted ? undefined : (e as Error)?.stack });
    return aborted ? 143 : 1;
  }
}
