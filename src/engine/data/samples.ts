/**
 * The sample datasets that ship in the repository's datasets/ folder, imported into a workspace
 * on every `npm start`. Importing identical bytes is a no-op, so the usual run only hashes a few
 * small files. An optional `samples.json` beside them gives per-file import options:
 *   { "files": { "support_tickets.csv": { "name": "support_tickets", "map": "user=question,..." } } }
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { importDataset } from './import.ts';
import { parseMapping } from './formats/mapping.ts';
import type { FormatName } from './formats/types.ts';
import { openWorkspace } from '../workspace.ts';

const DATA_FILE = /\.(jsonl|ndjson|json|csv|tsv|parquet)$/i;

export interface SampleOptions {
  name?: string;
  format?: FormatName;
  /** Column mapping as on the command line: target=column,... */
  map?: string;
}

async function sampleOptions(dir: string): Promise<Record<string, SampleOptions>> {
  try {
    const raw = JSON.parse(await fsp.readFile(path.join(dir, 'samples.json'), 'utf8')) as { files?: Record<string, SampleOptions> };
    return raw.files ?? {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`${path.join(dir, 'samples.json')}: ${(e as Error).message}`);
  }
}

export async function ensureSamples(workspaceRoot: string, samplesDir: string, log: (msg: string) => void): Promise<{ imported: string[]; unchanged: string[]; failed: string[] }> {
  const result = { imported: [] as string[], unchanged: [] as string[], failed: [] as string[] };
  let entries: string[];
  try {
    entries = (await fsp.readdir(samplesDir)).filter((f) => DATA_FILE.test(f) && f !== 'samples.json').sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw e;
  }
  if (entries.length === 0) return result;
  const ws = await openWorkspace(workspaceRoot, { create: true });
  const options = await sampleOptions(samplesDir);
  for (const f of entries) {
    const o = options[f] ?? {};
    try {
      const r = await importDataset(ws, path.join(samplesDir, f), { name: o.name, format: o.format, mapping: o.map ? parseMapping(o.map) : undefined, workers: 1 });
      if (!r.ok) {
        result.failed.push(f);
        log(`sample ${f} did not import: ${r.message}`);
      } else if (r.status === 'unchanged') result.unchanged.push(r.name);
      else {
        result.imported.push(r.name);
        log(`imported sample ${f} as ${r.name} (${r.rows} rows)`);
      }
    } catch (e) {
      result.failed.push(f);
      log(`sample ${f} did not import: ${(e as Error).message}`);
    }
  }
  return result;
}
