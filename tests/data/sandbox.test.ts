/**
 * User SQL sees the workspace's datasets and nothing else: every escape route fails with a clear
 * error, and saving a result as a dataset goes through the same sandbox.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src/engine/data/import.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { Sandbox, SandboxError } from '../../src/engine/data/sandbox.ts';
import { saveQueryAsDataset } from '../../src/engine/data/save-query.ts';
import { conversationId } from '../../src/engine/data/canonical.ts';
import type { Workspace } from '../../src/engine/workspace.ts';
import { datasetRows, tempDir, tempWorkspace, writeFile } from './helpers.ts';

const line = (u: string, a: string, intent: string) => JSON.stringify({ messages: [{ role: 'system', content: 'S' }, { role: 'user', content: u }, { role: 'assistant', content: a }], intent });

describe('sandboxed SQL', () => {
  let ws: Workspace;
  let sb: Sandbox;
  let outside: string;
  beforeAll(async () => {
    ws = await tempWorkspace();
    const dir = tempDir();
    const rows = Array.from({ length: 12 }, (_, i) => line(`q${i}`, `a${i}`, i % 3 === 0 ? 'billing' : 'shipping'));
    await importDataset(ws, writeFile(dir, 'support.jsonl', rows.join('\n') + '\n'));
    await importDataset(ws, writeFile(dir, 'support.jsonl', rows.slice(0, 10).join('\n') + '\n'));
    outside = writeFile(dir, 'secret.csv', 'a,b\n1,2\n');
    const runs = writeFile(dir, 'metrics.jsonl', '{"step":1,"loss":2.5}\n{"step":2,"loss":2.1}\n');
    sb = await Sandbox.open(ws, { extraViews: [{ name: 'metrics', files: [runs], reader: 'json', readerOptions: "format = 'newline_delimited'" }] });
  });
  afterAll(() => sb?.close());

  const denied = async (sql: string, code: SandboxError['code'], pattern: RegExp) => {
    const err = await sb.query(sql).then(
      () => null,
      (e: unknown) => e
    );
    expect(err, sql).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).code, sql).toBe(code);
    expect((err as SandboxError).message, sql).toMatch(pattern);
  };

  it('sees datasets (latest and per version), the messages view and registered extra views', async () => {
    expect((await sb.query('select intent, count(*) as n from support group by 1 order by 1')).rows).toEqual([
      ['billing', 4],
      ['shipping', 6]
    ]);
    expect((await sb.query('select count(*) from support_v1')).rows).toEqual([[12]]);
    expect((await sb.query('select count(*) from support_v2')).rows).toEqual([[10]]);
    const msgs = await sb.query("select dataset, source_line, message_index, role, content, effective_weight from messages where conversation_id = (select conversation_id from support where source_line = 2) order by message_index");
    expect(msgs.rows).toEqual([
      ['support', 2, 0, 'system', 'S', 0],
      ['support', 2, 1, 'user', 'q1', 0],
      ['support', 2, 2, 'assistant', 'a1', 1]
    ]);
    expect((await sb.query('select max(loss) from metrics')).rows).toEqual([[2.5]]);
    expect((await sb.query('describe support')).rows.map((r) => r[0])).toContain('user_text');
    expect((await sb.query('show tables')).rows.flat()).toEqual(expect.arrayContaining(['support', 'support_v1', 'messages', 'metrics']));
    expect((await sb.query('summarize support')).rows.length).toBeGreaterThan(5);
    expect((await sb.query('explain select * from support')).rows.length).toBeGreaterThan(0);
  });

  it('limits rows and says so', async () => {
    const r = await sb.query('select * from range(5000)', { maxRows: 10 });
    expect([r.rows.length, r.truncated]).toEqual([10, true]);
    expect((await sb.query('select 1', { maxRows: 10 })).truncated).toBe(false);
  });

  it('refuses to read any other file', async () => {
    await denied("select * from read_csv('/etc/passwd')", 'access_denied', /sees only the workspace's datasets/);
    await denied(`select * from read_csv('${outside}')`, 'access_denied', /Cannot access file/);
    await denied("select * from read_text('/etc/hostname')", 'access_denied', /access denied/);
    await denied("select * from glob('/*')", 'access_denied', /access denied/);
    await denied(`select * from read_parquet('${path.join(ws.dir, 'catalog.json')}')`, 'access_denied', /access denied/);
  });

  it('refuses statements that write, attach, load or reconfigure', async () => {
    await denied("COPY support TO '/tmp/tb-escape.csv'", 'statement_not_allowed', /^COPY statements are not allowed/);
    await denied("copy (select 1) to '/tmp/tb-escape.parquet' (format parquet)", 'statement_not_allowed', /COPY/);
    await denied("ATTACH '/tmp/tb-escape.db' AS x", 'statement_not_allowed', /^ATTACH statements are not allowed/);
    await denied('INSTALL httpfs', 'statement_not_allowed', /^INSTALL/);
    await denied('LOAD httpfs', 'statement_not_allowed', /^LOAD/);
    await denied('SET enable_external_access = true', 'statement_not_allowed', /^SET statements are not allowed/);
    await denied("SET allowed_paths = ['/etc/passwd']", 'statement_not_allowed', /^SET/);
    await denied('RESET lock_configuration', 'statement_not_allowed', /^RESET/);
    await denied("PRAGMA memory_limit='10GB'", 'statement_not_allowed', /^PRAGMA/);
    await denied("EXPORT DATABASE '/tmp/tb-export'", 'statement_not_allowed', /^EXPORT DATABASE/);
    await denied('CREATE TABLE t AS SELECT 1', 'statement_not_allowed', /^CREATE/);
    await denied('DROP VIEW support', 'statement_not_allowed', /^DROP/);
    await denied('select 1; select 2', 'not_one_statement', /one statement/);
    await denied('explain analyze create table t as select 1', 'statement_not_allowed', /CREATE/);
    await denied('/* hidden */ -- comment\n COPY support TO \'/tmp/x\'', 'statement_not_allowed', /COPY/);
    expect(fs.existsSync('/tmp/tb-escape.csv')).toBe(false);
    // The settings are still locked down afterwards.
    expect((await sb.query("select current_setting('enable_external_access'), current_setting('lock_configuration')")).rows).toEqual([[false, true]]);
  });

  it('reports SQL errors as such', async () => {
    await denied('select nope from support', 'sql_error', /nope/);
  });
});

describe('saving a query result as a dataset', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await tempWorkspace();
    const dir = tempDir();
    await importDataset(ws, writeFile(dir, 'support.jsonl', Array.from({ length: 12 }, (_, i) => line(`q${i}`, `a${i}`, i % 3 === 0 ? 'billing' : 'shipping')).join('\n') + '\n'));
  });

  it('stores a filtered table as a new dataset with lineage kind sql', async () => {
    const r = await saveQueryAsDataset(ws, "select * from support where intent = 'billing'", 'billing');
    expect([r.status, r.rows]).toEqual(['created', 4]);
    const v = (await readCatalog(ws)).datasets.billing.versions[0];
    expect(v.lineage).toEqual({ kind: 'sql', query: "select * from support where intent = 'billing'", inputs: [{ name: 'support', version: 1 }] });
    const rows = await datasetRows<{ source_line: number; intent: string; user_text: string }>(ws, 'billing', 'source_line, intent, user_text');
    expect(rows).toEqual([1, 4, 7, 10].map((l) => ({ source_line: l, intent: 'billing', user_text: `q${l - 1}` })));
    expect((await saveQueryAsDataset(ws, "select * from support where intent = 'billing'", 'billing')).status).toBe('unchanged');
  });

  it('recomputes conversation_id and derived columns when messages change', async () => {
    await saveQueryAsDataset(ws, "select * replace (list_transform(messages, m -> struct_pack(role := m.role, content := upper(m.content), weight := m.weight, name := m.name, tool_calls := m.tool_calls, tool_call_id := m.tool_call_id, function_call := m.function_call)) as messages) from support", 'shouting');
    const [row] = await datasetRows<{ conversation_id: string; user_text: string; messages: never[] }>(ws, 'shouting', 'conversation_id, user_text, messages');
    expect(row.user_text).toBe('Q0');
    expect(row.conversation_id).toBe(conversationId(row.messages, null));
  });

  it('refuses results that are no longer trainable, naming the missing columns', async () => {
    await expect(saveQueryAsDataset(ws, 'select user_text, intent from support', 'texts')).rejects.toThrow(/lacks the canonical columns conversation_id, messages, tools, source_file, source_line/);
    await expect(saveQueryAsDataset(ws, 'select * exclude (tools) from support', 'no_tools')).rejects.toThrow(/lacks the canonical column tools/);
    await expect(saveQueryAsDataset(ws, "copy support to '/tmp/tb-x.csv'", 'x')).rejects.toThrow(/COPY statements are not allowed/);
    await expect(saveQueryAsDataset(ws, 'select * from support where false', 'empty')).rejects.toThrow(/no rows/);
    expect(Object.keys((await readCatalog(ws)).datasets).sort()).toEqual(['billing', 'shouting', 'support']);
  });
});
