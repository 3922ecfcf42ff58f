/**
 * The generation log: how an eval stage loses no finished prediction when it crashes, is
 * cancelled or runs out of time.
 *
 *   runs/<run-id>/eval/<stage-id>/generation.jsonl   one line per generated output, appended a
 *                                                    whole batch per write as batches finish
 *   runs/<run-id>/eval/<stage-id>/generation-keys.json  the generation key of each model (written
 *                                                    first, so other runs can find this log cheaply)
 *
 * A line belongs to a GENERATION KEY: sha256 over the data input's key, the model's identity, the
 * generation settings, max_examples and the engine version — everything that decides the output
 * text, and nothing that does not (metrics, styles, bootstrap, time budget, labels). A later run
 * whose models have the same keys (tunebench rerun after a crash, or the same pipeline with other
 * metrics) adopts the lines of earlier runs and generates only what is missing; because batches
 * are fixed (generate-set.ts), the adopted lines equal what it would have generated.
 *
 * Readers skip a partial last line (a crash mid-write) and keep the first line per (key, index).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { GenerationParams } from '../../../../dsl/plan.ts';
import type { Workspace } from '../../workspace.ts';
import { canonicalJson, sha256Hex } from '../../runs/canonical-json.ts';
import { isRunId } from '../../runs/layout.ts';
import { writeJsonAtomic } from '../../util/atomic-write.ts';
import { ENGINE_VERSION } from '../../version.ts';
import type { GeneratedRow } from './generate-set.ts';

export const LOG_FILE = 'generation.jsonl';
export const KEYS_FILE = 'generation-keys.json';
const KEYS_FORMAT = 'tunebench.eval-generation-keys';

export interface LogLine extends GeneratedRow {
  key: string;
  model: string;
}

export function generationKey(p: { dataKey: string; modelIdentity: string; generation: GenerationParams; maxExamples: number | null }): string {
  return sha256Hex(canonicalJson({ generation_log: 1, data: p.dataKey, model: p.modelIdentity, settings: p.generation, max_examples: p.maxExamples, engine: ENGINE_VERSION }));
}

/** Finished outputs by generation key, then example index. */
export type Finished = Map<string, Map<number, GeneratedRow>>;

function readLines(file: string, keys: Set<string>, into: Finished): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  let added = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let l: LogLine;
    try {
      l = JSON.parse(line) as LogLine;
    } catch {
      continue; // a partial last line
    }
    if (!keys.has(l.key) || typeof l.index !== 'number' || typeof l.output !== 'string') continue;
    const m = into.get(l.key) ?? new Map<number, GeneratedRow>();
    into.set(l.key, m);
    if (m.has(l.index)) continue;
    const { key: _k, model: _m, ...row } = l;
    m.set(l.index, row);
    added++;
  }
  return added;
}

export interface OpenedLog {
  finished: Finished;
  /** Lines taken over from earlier runs, by run id. */
  adopted: { run_id: string; stage: string; lines: number }[];
  append(lines: LogLine[]): void;
}

/**
 * Opens this run's log (creating it), writes the keys file, and copies in the matching lines of
 * earlier runs' logs. `keys`: model label → generation key.
 */
export async function openGenerationLog(ws: Workspace, runId: string, dir: string, stage: string, keys: Record<string, string>): Promise<OpenedLog> {
  await fsp.mkdir(dir, { recursive: true });
  const want = new Set(Object.values(keys));
  const logFile = path.join(dir, LOG_FILE);
  const finished: Finished = new Map();
  readLines(logFile, want, finished);
  await writeJsonAtomic(path.join(dir, KEYS_FILE), { format: KEYS_FORMAT, version: 1, run_id: runId, stage, keys });
  const adopted: OpenedLog['adopted'] = [];
  const before = new Map([...finished].map(([k, m]) => [k, new Set(m.keys())]));
  for (const other of (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter(isRunId).sort().reverse()) {
    if (other === runId) continue;
    const evalDir = path.join(ws.runsDir, other, 'eval');
    for (const st of await fsp.readdir(evalDir).catch(() => [] as string[])) {
      let theirs: Record<string, string>;
      try {
        theirs = (JSON.parse(fs.readFileSync(path.join(evalDir, st, KEYS_FILE), 'utf8')) as { keys: Record<string, string> }).keys;
      } catch {
        continue;
      }
      if (!Object.values(theirs).some((k) => want.has(k))) continue;
      const n = readLines(path.join(evalDir, st, LOG_FILE), want, finished);
      if (n) adopted.push({ run_id: other, stage: st, lines: n });
    }
  }
  // Copy adopted lines into this run's log, so the run is complete on its own.
  const copied: LogLine[] = [];
  const labelOf = new Map(Object.entries(keys).map(([label, key]) => [key, label]));
  for (const [key, rows] of finished) for (const [index, row] of rows) if (!before.get(key)?.has(index)) copied.push({ key, model: labelOf.get(key) ?? '', ...row });
  const append = (lines: LogLine[]) => {
    if (lines.length) fs.appendFileSync(logFile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  };
  append(copied);
  return { finished, adopted, append };
}
