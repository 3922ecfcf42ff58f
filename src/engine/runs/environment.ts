/** Facts about the machine and software a run executed on, recorded in run.json. */
import os from 'node:os';
import { queryRows } from '../data/duckdb.ts';
import type { EnvironmentFacts } from './types.ts';

let duckdbVersion: Promise<string | null> | undefined;

export async function environmentFacts(): Promise<EnvironmentFacts> {
  duckdbVersion ??= queryRows<{ v: string }>('SELECT version() AS v').then(
    (r) => r[0]?.v ?? null,
    () => null
  );
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
    memory_bytes: os.totalmem(),
    host: os.hostname(),
    duckdb: await duckdbVersion
  };
}
