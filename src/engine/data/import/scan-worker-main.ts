/**
 * Body of a scan worker: scans one byte range of a JSON Lines file into its own intermediate part
 * and posts back the plain-data summary (see scan.ts for the protocol).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IntermediateWriter } from './intermediate.ts';
import { scanJsonlRange } from './jsonl.ts';
import { ScanState, type ScanConfig } from './scan-state.ts';

interface Job {
  start: number;
  end: number;
  isFileStart: boolean;
  outDir: string | null;
  prefix: string;
  idsOnly: boolean;
}

const { file, config, job } = workerData as { file: string; config: ScanConfig; job: Job };

try {
  const out = job.outDir ? new IntermediateWriter(job.outDir, job.prefix, job.idsOnly) : null;
  const state = new ScanState(config, out);
  let parts: ReturnType<IntermediateWriter['close']> = [];
  try {
    await scanJsonlRange(state, file, { start: job.start, end: job.end, isFileStart: job.isFileStart, onBytes: (bytes) => parentPort!.postMessage({ type: 'progress', bytes, rows: state.valid }) });
  } finally {
    parts = out?.close() ?? [];
  }
  parentPort!.postMessage({ type: 'done', summary: { ...state.summary(), parts } });
} catch (e) {
  const err = e as Error;
  parentPort!.postMessage({ type: 'error', message: err?.message ?? String(e), stack: err?.stack });
}
