/**
 * Shared pieces of the training tests: the real base model, a deterministic slice of banking77
 * (short user texts, intent-label answers), temporary folders.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessage } from '../../src/engine/model/chat-template.ts';
import { shared } from '../support/shared.ts';

export const BASE = shared('models', 'tinystories-260k');
export const BANKING = shared('datasets', 'banking77.chat.jsonl');

interface Row {
  messages: ChatMessage[];
  intent: string;
}

let rows: Row[] | null = null;

function allRows(): Row[] {
  rows ??= fs
    .readFileSync(BANKING, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  return rows;
}

/** Every intent label of banking77 (77). */
export function bankingLabels(): Set<string> {
  return new Set(allRows().map((r) => r.intent));
}

/**
 * Conversations of the first `intents` labels (alphabetically), in a fixed pseudo-random order;
 * `from`..`to` slices that order (train and validation take disjoint slices).
 */
export function banking(from: number, to: number, intents = 10): ChatMessage[][] {
  const keep = new Set([...bankingLabels()].sort().slice(0, intents));
  const picked = allRows().filter((r) => keep.has(r.intent));
  const order = picked.map((_, i) => i).sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296) || a - b);
  return order.slice(from, to).map((i) => picked[i].messages);
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tunebench-train-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
