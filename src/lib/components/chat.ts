/**
 * The message shape ChatBubbles shows. It matches the canonical table's MESSAGE struct
 * (src/engine/data/schema.ts) and OpenAI's chat messages, so rows from either display as they are.
 */
export interface ChatMessage {
  role: string;
  content: string | null;
  name?: string | null;
  /** 1 = trained on, 0 = context only, null = default (assistant 1, others 0). */
  weight?: number | null;
  /** JSON text of an assistant's tool calls. */
  tool_calls?: string | null;
  tool_call_id?: string | null;
  function_call?: string | null;
}

/** Pretty JSON text for display; the text as is when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Whether the trainer learns from this message (the same rule as the engine's effectiveWeight). */
export function trainedOn(m: ChatMessage): boolean {
  if (m.weight === 0 || m.weight === 1) return m.weight === 1;
  return m.role === 'assistant';
}
