/**
 * The upload form's column mapping: which files get one, the header read as the browser reads a
 * File, the state the form shows for a text, the edits its controls make to the text, and that
 * the engine's guess written out imports exactly what the import guesses by itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../engine/data/import.ts';
import { versionPath } from '../engine/data/catalog.ts';
import { queryRows, sqlString } from '../engine/data/duckdb.ts';
import { openWorkspace } from '../engine/workspace.ts';
import { guessedMapping, isTabular, mappingBlocker, mappingState, readHeader, withMetadata, withMode, withRole, writeMapping, HEADER_BYTES } from './column-mapping.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-column-mapping-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the upload form’s column mapping', () => {
  it('is offered for CSV, TSV and Parquet files, or when csv / parquet is chosen', () => {
    expect(['a.csv', 'a.TSV', 'a.parquet'].map((f) => isTabular(f, null))).toEqual([true, true, true]);
    expect(isTabular('a.jsonl', null)).toBe(false);
    expect(isTabular('a.txt.json', 'csv')).toBe(true);
    expect(isTabular('a.csv', 'openai')).toBe(false);
  });

  it('reads the header from the start of a File, quotes and all', async () => {
    expect(await readHeader(new File(['"q, asked",a;b,label\r\n1,2,3\r\n'], 'x.csv'))).toEqual({ columns: ['q, asked', 'a;b', 'label'] });
    expect(await readHeader(new File(['q\ta\n'], 'x.tsv'))).toEqual({ columns: ['q', 'a'] });
    const long = await readHeader(new File(['"' + 'x'.repeat(HEADER_BYTES) + '",a\n'], 'big.csv'));
    expect(long).toMatchObject({ note: expect.stringContaining('does not end within its first 256 KB') });
  });

  it('shows the guess for recognised columns, and says what is missing for others', () => {
    const known = mappingState('', ['Instruction', 'response', 'intent', 'turns']);
    expect(known).toMatchObject({ automatic: true, missing: null, syntaxError: null, unknown: [] });
    // `turns` is a column the import computes itself: not copied.
    expect(writeMapping(known.mapping!)).toBe('user=Instruction,assistant=response,intent=intent');
    const odd = mappingState('', ['q', 'a', 'label']);
    expect(odd.missing).toMatch(/choose which hold the user and assistant turns/);
    expect(writeMapping(odd.mapping!)).toBe('q=q,a=a,label=label');
    expect(mappingBlocker('', ['q', 'a', 'label'])).toBe(odd.missing);
    // Columns unknown (Parquet): nothing to check the automatic mapping against.
    expect(mappingBlocker('', null)).toBeNull();
  });

  it('checks a typed mapping: its syntax, and the columns it names', () => {
    expect(mappingState('user=q,assistant', ['q', 'a']).syntaxError).toBe("cannot read mapping at 'assistant': expected target=column[,target=column...]");
    expect(mappingState('user=q,assistant=A,system="Be brief."', ['q', 'a'])).toMatchObject({ missing: null, unknown: ['A'] });
    expect(mappingState('user=q', ['q', 'a']).missing).toMatch(/user and assistant/);
    expect(mappingBlocker('user=q,assistant=b', null)).toBeNull();
  });

  it('each control rewrites the text: turns, metadata (renamed to a clean name), mode', () => {
    let m = mappingState('', ['q', 'a', 'label', 'notes here']).mapping!;
    m = withRole(m, 'user', 'q');
    m = withRole(m, 'assistant', 'a');
    expect(writeMapping(m)).toBe('user=q,assistant=a,label=label,notes_here=notes here');
    m = withMetadata(withMetadata(m, 'label', 'intent'), 'notes here', null);
    expect(writeMapping(m)).toBe('user=q,assistant=a,intent=label');
    // A metadata name that would be a turn, or is taken, is made unique.
    expect(writeMapping(withMetadata(m, 'q', 'system'))).toBe('user=q,assistant=a,intent=label,meta_system=q');
    expect(writeMapping(withMetadata(m, 'a', 'intent'))).toBe('user=q,assistant=a,intent=label,intent_2=a');
    m = withRole(m, 'system', JSON.stringify('Be brief, "always".'));
    expect(writeMapping(m)).toBe('system="Be brief, \\"always\\".",user=q,assistant=a,intent=label');
    expect(writeMapping(withRole(m, 'user', 'label'))).toBe('system="Be brief, \\"always\\".",user=label,assistant=a');
    const msgs = withMode(m, 'messages', ['Conversation', 'q', 'a', 'label']);
    expect(writeMapping(msgs)).toBe('messages=Conversation,intent=label');
    expect(writeMapping(withMode(msgs, 'turns', ['prompt', 'answer', 'label']))).toBe('user=prompt,assistant=answer,intent=label');
  });

  it('the guess written out imports the same rows and columns as the import’s own guess', async () => {
    const file = path.join(dir, 'faq.csv');
    const header = ['prompt', 'Response', 'intent', 'odd name', 'system_prompt'];
    fs.writeFileSync(file, [header.join(','), 'Hi,Hello,greet,x,Be kind', '"Where, exactly?",Here,locate,y,'].join('\n') + '\n');
    const ws = await openWorkspace(path.join(dir, 'ws'), { create: true });
    const auto = await importDataset(ws, file, { name: 'auto', workers: 1 });
    const written = writeMapping(guessedMapping(header));
    expect(written).toBe('system=system_prompt,user=prompt,assistant=Response,intent=intent,odd_name=odd name');
    const explicit = await importDataset(ws, file, { name: 'explicit', mapping: mappingState(written, header).mapping!, workers: 1 });
    expect([auto.ok, explicit.ok]).toEqual([true, true]);
    const rows = async (v: typeof auto.version) =>
      queryRows(`SELECT conversation_id, intent, odd_name, system_text FROM read_parquet(${sqlString(versionPath(ws, v!))}) ORDER BY source_line`);
    expect(await rows(explicit.version)).toEqual(await rows(auto.version));
    expect((await rows(auto.version)).map((r) => r.system_text)).toEqual(['Be kind', '']);
  });
});
