/** Dataset files made for tests from the shared datasets. */
import fs from 'node:fs';
import path from 'node:path';
import { shared } from './shared.ts';

/**
 * `rows` banking77 conversations, cycling through the shared file with the assistant answer
 * suffixed ` (query i)` so that no two rows are duplicates; written to DIR/big.jsonl.
 */
export function distinctBankingFile(dir: string, rows: number): string {
  const lines = fs.readFileSync(shared('datasets', 'banking77.chat.jsonl'), 'utf8').trim().split('\n');
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const c = JSON.parse(lines[i % lines.length]) as { messages: { role: string; content: string }[] };
    c.messages[1].content += ` (query ${i})`;
    out.push(JSON.stringify(c));
  }
  const file = path.join(dir, 'big.jsonl');
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}
