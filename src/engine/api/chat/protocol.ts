/** Messages between the chat pool (the server's thread) and its generation worker threads. */
import type { ChatMessageIn } from './request.ts';

export interface ModelRef {
  /** Cache key (the folder). */
  key: string;
  dir: string;
  kind: 'base' | 'fine-tuned' | 'checkpoint';
}

export interface GenerateJob {
  type: 'generate';
  id: number;
  model: ModelRef;
  messages: ChatMessageIn[];
  maxTokens: number | null;
  defaultMaxTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  seed: number;
  stop: string[];
  n: number;
}

export type ToWorker = GenerateJob | { type: 'cancel'; id: number };

export interface ChoiceResult {
  text: string;
  finishReason: 'stop' | 'length';
  completionTokens: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'start'; id: number; promptTokens: number; loadMs: number }
  | { type: 'token'; id: number; row: number; text: string }
  | { type: 'done'; id: number; choices: ChoiceResult[]; promptTokens: number; prefillMs: number; decodeMs: number; loaded: string[] }
  | { type: 'error'; id: number; status: number; message: string; code: string; param: string | null };
