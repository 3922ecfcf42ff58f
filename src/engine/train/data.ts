/**
 * Training data: canonical conversations (Parquet, see data/schema.ts) → token ids and a loss
 * mask per conversation, through the model's chat template.
 *
 *   readConversations(parquet)  streams `messages` from DuckDB in blocks of 1,024 rows (one JSON
 *                               string per block crosses from DuckDB, not one per row)
 *   tokenizeConversations(...)  ChatTemplate.renderForTraining: the loss counts assistant turns
 *                               whose weight is not 0; system, user and tool turns are context.
 *                               Sequences over maxLength are cut at maxLength (kept from the
 *                               start; counted); conversations left without any target token are
 *                               dropped (counted).
 *
 * Assistant messages without text (tool calls) are trained on the JSON of their tool_calls /
 * function_call, which is what a template without tool support would see.
 */
import type { ChatMessage, ChatTemplate } from '../model/chat-template.ts';
import { withConnection, sqlString } from '../data/duckdb.ts';
import { effectiveWeight, type CanonicalMessage } from '../data/schema.ts';

export interface Example {
  ids: Int32Array;
  /** 1 where ids[t] is a target (see ChatTemplate.renderForTraining). */
  mask: Uint8Array;
  /** Number of target tokens. */
  targets: number;
}

export interface TokenizeReport {
  conversations: number;
  examples: number;
  /** Conversations longer than maxLength, cut to it. */
  truncated: number;
  /** Conversations with no target token left (no trainable assistant turn, or all of it cut). */
  droppedNoTarget: number;
  tokens: number;
  targetTokens: number;
  maxLength: number;
  longest: number;
}

const BLOCK = 1024;

/** Canonical messages → the chat template's messages. */
export function toChatMessages(messages: CanonicalMessage[]): ChatMessage[] {
  return messages.map((m) => {
    const content = m.content ?? m.tool_calls ?? m.function_call ?? '';
    const out: ChatMessage = { role: m.role, content };
    if (m.role === 'assistant') out.weight = effectiveWeight(m);
    return out;
  });
}

/** Every conversation of a canonical Parquet file, in row order. */
export async function readConversations(file: string, opts: { signal?: AbortSignal; limit?: number } = {}): Promise<ChatMessage[][]> {
  const out: ChatMessage[][] = [];
  await withConnection(async (conn) => {
    const relation = `read_parquet(${sqlString(file)}, file_row_number = true)`;
    const limit = opts.limit !== undefined ? ` WHERE file_row_number < ${Math.max(0, Math.floor(opts.limit))}` : '';
    const result = await conn.stream(
      `SELECT file_row_number // ${BLOCK} AS block, CAST(to_json(list(messages ORDER BY file_row_number)) AS VARCHAR) AS js FROM ${relation}${limit} GROUP BY block ORDER BY block`
    );
    for (;;) {
      opts.signal?.throwIfAborted();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const texts = chunk.getColumns()[1] as string[];
      for (const t of texts) for (const m of JSON.parse(t) as CanonicalMessage[][]) out.push(toChatMessages(m));
    }
  });
  return out;
}

/** Renders and tokenizes conversations for training (see the file comment). */
export function tokenizeConversations(chat: ChatTemplate, conversations: ChatMessage[][], maxLength: number, opts: { onProgress?: (done: number) => void; signal?: AbortSignal } = {}): { examples: Example[]; report: TokenizeReport } {
  const examples: Example[] = [];
  const report: TokenizeReport = { conversations: conversations.length, examples: 0, truncated: 0, droppedNoTarget: 0, tokens: 0, targetTokens: 0, maxLength, longest: 0 };
  conversations.forEach((messages, i) => {
    if (i % 256 === 0) {
      opts.signal?.throwIfAborted();
      opts.onProgress?.(i);
    }
    const ex = chat.renderForTraining(messages);
    let ids = ex.ids;
    let mask = ex.labelsMask;
    report.longest = Math.max(report.longest, ids.length);
    if (ids.length > maxLength) {
      report.truncated++;
      ids = ids.slice(0, maxLength);
      mask = mask.slice(0, maxLength);
    }
    let targets = 0;
    // Position 0 has nothing before it to predict it from.
    for (let t = 1; t < mask.length; t++) targets += mask[t];
    if (targets === 0) {
      report.droppedNoTarget++;
      return;
    }
    examples.push({ ids: Int32Array.from(ids), mask: Uint8Array.from(mask), targets });
    report.tokens += ids.length;
    report.targetTokens += targets;
  });
  report.examples = examples.length;
  opts.onProgress?.(conversations.length);
  return { examples, report };
}
