/** Shared helpers for the data integration tests: temporary workspaces and a snapshot of one. */
import fs from 'node:fs';
import { afterAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.ts';
import { queryRows, sqlString } from '../../src/engine/data/duckdb.ts';
import { readCatalog, resolveDataset, versionPath } from '../../src/engine/data/catalog.ts';

const created: string[] = [];
// Temporary folders go when the importing test file is done (registered on its root suite).
afterAll(() => {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'tb-data-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
}

export async function tempWorkspace(): Promise<Workspace> {
  return openWorkspace(tempDir('tb-ws-'), { create: true });
}

/** Every file under a folder with its size and content hash, for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[path.relative(dir, p) + '/'] = 'dir';
        walk(p);
      } else out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** The rows of a dataset version, ordered by source line. */
export async function datasetRows<T = Record<string, unknown>>(ws: Workspace, ref: string, columns = '*'): Promise<T[]> {
  const found = resolveDataset(await readCatalog(ws), ref);
  if ('error' in found) throw new Error(found.error);
  return queryRows<T>(`SELECT ${columns} FROM read_parquet(${sqlString(versionPath(ws, found.version))}) ORDER BY source_line`);
}

export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
