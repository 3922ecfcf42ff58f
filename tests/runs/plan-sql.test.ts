/**
 * Compile snapshots extended with SQL: for every sample pipeline in pipelines/, each stage's SQL
 * (and, for MinHash and training steps, their description) as `tunebench plan` shows it, with
 * symbolic inputs. Golden files in tests/runs/plans/NAME.sql.txt; UPDATE_GOLDEN=1 rewrites them
 * (review the diff by eye). The SQL itself is exercised on real data by the operator tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, renderDiagnostics } from '../../dsl/index.ts';
import { describePlanSql, registerBuiltinExecutors } from '../../src/engine/runs/index.ts';
import { checkFixture } from '../dsl/fixture-facts.ts';
import { REPO_ROOT } from '../support/shared.ts';

registerBuiltinExecutors();
const PIPELINES = path.join(REPO_ROOT, 'pipelines');
const GOLDEN = path.join(import.meta.dirname, 'plans');
const update = process.env.UPDATE_GOLDEN === '1';
const samples = fs.readdirSync(PIPELINES).filter((f) => f.endsWith('.ftp')).sort();

function render(file: string, source: string, plan: ReturnType<typeof compile>): string {
  const out = [`-- ${file}: pipeline ${plan.pipeline}, ${plan.stages.length} stages`];
  describePlanSql(plan).forEach((s, i) => {
    const stage = plan.stages[i];
    out.push('', `-- [${i + 1}] ${s.id} (${s.kind})${stage.inputs.length ? ` from ${stage.inputs.map((x) => `${x.stage}${x.part ? `:${x.part}` : ''}`).join(', ')}` : ''}`);
    for (const n of s.description.notes) out.push(`--   · ${n}`);
    for (const q of s.description.sql) out.push(`-- ${q.title}`, `${q.text};`);
  });
  void source;
  return out.join('\n') + '\n';
}

describe('stage SQL of the sample pipelines', () => {
  it('has samples, one of them data-only', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples).toContain('clean-support.ftp');
  });

  for (const file of samples) {
    it(file, async () => {
      const source = fs.readFileSync(path.join(PIPELINES, file), 'utf8');
      const { result } = await checkFixture(source);
      expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), source, file)).toBe('');
      const text = render(file, source, compile(result));
      const golden = path.join(GOLDEN, file.replace(/\.ftp$/, '.sql.txt'));
      if (update || !fs.existsSync(golden)) fs.writeFileSync(golden, text);
      else expect(text).toBe(fs.readFileSync(golden, 'utf8'));
      // every data stage shows SQL or says in words what it does
      for (const s of describePlanSql(compile(result))) if (s.kind !== 'train' && s.kind !== 'eval') expect(s.description.sql.length + s.description.notes.length, s.id).toBeGreaterThan(0);
    });
  }
});
