/**
 * The eval data: canonical conversations (Parquet) → one example per conversation that has an
 * assistant turn. The prompt is the conversation up to (not including) its LAST assistant
 * message; the reference is that message's content; the whole conversation is kept for teacher
 * forcing (perplexity counts every trained assistant turn, as validation loss does).
 *
 * Examples keep their position in the input (`index`, 0-based row order) and the metadata
 * columns (intent, style, ...) as strings, so scores can be grouped and joined later.
 */
import type { ChatMessage } from '../../model/chat-template.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS, type CanonicalMessage } from '../../data/schema.ts';
import { queryRows, sqlIdent, sqlString } from '../../data/duckdb.ts';
import { toChatMessages } from '../../train/data.ts';

export interface EvalExample {
  /** 0-based row position in the eval data. */
  index: number;
  conversation_id: string;
  /** Messages before the last assistant turn (the prompt, rendered with the chat template). */
  context: ChatMessage[];
  /** The last assistant turn's text. */
  reference: string;
  /** Every message (teacher forcing). */
  conversation: ChatMessage[];
  /** Metadata columns (not the canonical ones), as text; null when absent. */
  metadata: Record<string, string | null>;
}

export interface ReadExamplesResult {
  examples: EvalExample[];
  /** Rows in the input. */
  rows: number;
  /** Rows read (max_examples applied). */
  considered: number;
  /** Conversations without an assistant turn: nothing to compare with. */
  skippedNoReference: number;
  metadataColumns: string[];
}

const CANONICAL = new Set<string>([...CORE_COLUMNS, ...TRAILING_COLUMNS].map((c) => c.name));

/** Splits a conversation at its last assistant message; null when it has none. */
export function splitAtLastAssistant(messages: ChatMessage[]): { context: ChatMessage[]; reference: string } | null {
  for (let k = messages.length - 1; k >= 0; k--) {
    if (messages[k].role === 'assistant') return { context: messages.slice(0, k), reference: messages[k].content };
  }
  return null;
}

/** Reads the first `maxExamples` rows (all when null) of a canonical Parquet file. */
export async function readEvalExamples(file: string, maxExamples: number | null): Promise<ReadExamplesResult> {
  const rel = `read_parquet(${sqlString(file)}, file_row_number = true)`;
  const described = await queryRows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  const metadataColumns = described.map((c) => c.column_name).filter((c) => !CANONICAL.has(c));
  const [{ n }] = await queryRows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${rel}`);
  const limit = maxExamples === null ? '' : ` WHERE file_row_number < ${Math.max(0, Math.floor(maxExamples))}`;
  const meta = metadataColumns.map((c) => `, CAST(${sqlIdent(c)} AS VARCHAR) AS ${sqlIdent(`m:${c}`)}`).join('');
  const rows = await queryRows<Record<string, unknown>>(
    `SELECT file_row_number::BIGINT AS row_number, conversation_id, CAST(to_json(messages) AS VARCHAR) AS messages_json${meta} FROM ${rel}${limit} ORDER BY file_row_number`
  );
  const examples: EvalExample[] = [];
  let skipped = 0;
  for (const r of rows) {
    const conversation = toChatMessages(JSON.parse(String(r.messages_json)) as CanonicalMessage[]);
    const cut = splitAtLastAssistant(conversation);
    if (!cut) {
      skipped++;
      continue;
    }
    const metadata: Record<string, string | null> = {};
    for (const c of metadataColumns) metadata[c] = (r[`m:${c}`] as string | null) ?? null;
    examples.push({ index: Number(r.row_number), conversation_id: String(r.conversation_id), context: cut.context, reference: cut.reference, conversation, metadata });
  }
  return { examples, rows: n, considered: rows.length, skippedNoReference: skipped, metadataColumns };
}
