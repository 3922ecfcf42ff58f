/**
 * Compile snapshots: every sample pipeline in pipelines/ checks without errors against the
 * fixture facts, and its Plan equals tests/dsl/plans/NAME.plan.json (UPDATE_GOLDEN=1 rewrites;
 * review the diff by eye). The Plan must also be plain JSON: it survives a JSON round trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWithFacts, compile, renderDiagnostics, PLAN_VERSION, type Plan } from '../../dsl/index.ts';
import { gatherFacts } from '../../src/engine/facts.ts';
import { workspacePaths } from '../../src/engine/workspace.ts';
import { REPO_ROOT, shared, sharedAvailable } from '../support/shared.ts';
import { checkFixture } from './fixture-facts.ts';

const PIPELINES = path.join(REPO_ROOT, 'pipelines');
const SNAPSHOTS = path.join(import.meta.dirname, 'plans');
const update = process.env.UPDATE_GOLDEN === '1';
const samples = fs.readdirSync(PIPELINES).filter((f) => f.endsWith('.ftp')).sort();

describe('compile snapshots of the sample pipelines', () => {
  it('has samples', () => expect(samples.length).toBeGreaterThanOrEqual(3));

  for (const file of samples) {
    it(file, async () => {
      const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8');
      const { result } = await checkFixture(source);
      expect(renderDiagnostics(result.diagnostics, source, file)).toBe('');
      const plan = compile(result);
      expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
      expect(plan.version).toBe(PLAN_VERSION);
      // topological: every input is produced by an earlier stage
      const seen = new Set<string>();
      for (const s of plan.stages) {
        for (const i of s.inputs) expect(seen.has(i.stage), `${s.id} reads ${i.stage} before it exists`).toBe(true);
        seen.add(s.id);
      }
      const snap = path.join(SNAPSHOTS, file.replace(/\.ftp$/, '.plan.json'));
      const text = JSON.stringify(plan, null, 2) + '\n';
      if (update || !fs.existsSync(snap)) fs.writeFileSync(snap, text);
      else expect(JSON.parse(text) as Plan).toEqual(JSON.parse(fs.readFileSync(snap, 'utf8')));
    });
  }
});

/** The sample datasets in datasets/ (written by the data issue) and the real model folders. */
describe('the samples check against the real sample datasets and models', () => {
  const ws = workspacePaths(REPO_ROOT);
  for (const file of samples) {
    const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8');
    const files = [...source.matchAll(/^dataset \S+ from "([^"]+)"/gm)].map((m) => m[1]);
    const present = sharedAvailable && files.every((f) => fs.existsSync(path.join(REPO_ROOT, f)));
    it.skipIf(!present)(`${file} (needs ${files.join(', ')} and ../shared/models)`, async () => {
      const { result } = await checkWithFacts(source, (needs) => gatherFacts(ws, needs, { TUNEBENCH_MODELS: shared('models') }));
      expect(renderDiagnostics(result.diagnostics, source, file)).toBe('');
    });
  }
});
