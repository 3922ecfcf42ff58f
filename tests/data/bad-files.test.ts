/**
 * Every file in ../shared/datasets/bad/ against its manifest entry (table-driven from
 * manifest.json): findings land exactly on the listed lines, with the severity the `expected`
 * field implies, and importing behaves accordingly.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, shared, sharedAvailable } from '../support/shared.ts';
import { importDataset, validateFile } from '../../src/engine/data/import.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { snapshot, tempWorkspace } from './helpers.ts';

interface Entry {
  file: string;
  fault_lines: number[];
  expected: 'reject_file' | 'reject_lines' | 'accept' | 'accept_with_warning';
}

const manifest: Entry[] = sharedAvailable ? JSON.parse(fs.readFileSync(shared('datasets', 'bad', 'manifest.json'), 'utf8')) : [];
const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

describeShared('bad/ files against manifest.json', () => {
  it('covers every file in the folder', () => {
    const files = fs.readdirSync(shared('datasets', 'bad')).filter((f) => !/^(MANIFEST\.md|manifest\.json)$/.test(f));
    expect(manifest.map((m) => m.file).sort()).toEqual(files.sort());
    expect(manifest.length).toBe(45);
  });

  for (const m of manifest) {
    it(`${m.file}: ${m.expected} at lines [${m.fault_lines.join(', ')}]`, async () => {
      const r = await validateFile(shared('datasets', 'bad', m.file));
      const errors = r.findings.filter((f) => f.severity === 'error');
      const lineFindings = r.findings.filter((f) => f.line !== null);
      const linesWithFindings = uniq(lineFindings.map((f) => f.line!));
      // Every finding sits on a line the manifest lists (file-level ones have no line).
      for (const l of linesWithFindings) expect(m.fault_lines, `finding on line ${l}`).toContain(l);
      switch (m.expected) {
        case 'reject_file':
          expect(errors.length, JSON.stringify(errors)).toBe(1);
          expect(r.errors).toBe(1);
          if (m.fault_lines.length) expect(m.fault_lines).toContain(errors[0].line);
          else expect(errors[0].line).toBeNull();
          break;
        case 'reject_lines':
          expect(r.errors).toBeGreaterThan(0);
          expect(linesWithFindings).toEqual(uniq(m.fault_lines));
          for (const e of errors) expect(e.line).not.toBeNull();
          expect(r.valid).toBeGreaterThan(0);
          break;
        case 'accept_with_warning':
          expect(r.errors).toBe(0);
          expect(r.warnings).toBeGreaterThan(0);
          expect(linesWithFindings).toEqual(uniq(m.fault_lines));
          break;
        case 'accept':
          expect(r.errors, JSON.stringify(errors)).toBe(0);
          expect(r.valid).toBeGreaterThan(0);
          break;
      }
      // Every finding is complete: a stable code, a message and a hint.
      for (const f of r.findings) {
        expect(f.code).toMatch(/^[a-z0-9_]+$/);
        expect(f.message.length).toBeGreaterThan(5);
        expect(f.file).toBe(m.file);
      }
    });
  }

  it('imports behave as the manifest expects (failed imports change nothing)', async () => {
    const ws = await tempWorkspace();
    for (const m of manifest) {
      const before = snapshot(ws.dir);
      const name = `t_${m.file.replace(/\W+/g, '_')}`;
      const r = await importDataset(ws, shared('datasets', 'bad', m.file), { name });
      if (m.expected === 'accept' || m.expected === 'accept_with_warning') {
        expect(r.ok, `${m.file}: ${r.message}`).toBe(true);
      } else {
        expect(r.ok, m.file).toBe(false);
        expect(snapshot(ws.dir)).toEqual(before);
        const skip = await importDataset(ws, shared('datasets', 'bad', m.file), { name, skipInvalid: true });
        expect(skip.ok, `${m.file} --skip-invalid: ${skip.message}`).toBe(m.expected === 'reject_lines');
        if (m.expected === 'reject_lines') {
          expect(skip.rows).toBe(skip.valid);
          expect(uniq(skip.skippedLines).every((l) => m.fault_lines.includes(l))).toBe(true);
        }
      }
    }
    const cat = await readCatalog(ws);
    expect(Object.keys(cat.datasets).length).toBe(manifest.filter((m) => m.expected !== 'reject_file').length);
  });

  it('keeps row counts the manifest implies for the tolerance files', async () => {
    const count = async (f: string) => (await validateFile(shared('datasets', 'bad', f))).valid;
    expect(await count('mixed_line_endings.jsonl')).toBe(6);
    expect(await count('bom.jsonl')).toBe(4);
    expect(await count('crlf.jsonl')).toBe(5);
    expect(await count('blank_lines.jsonl')).toBe(4);
    expect(await count('tool_calls.jsonl')).toBe(4);
  });
});
