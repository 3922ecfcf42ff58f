/**
 * Playground feedback: thumbs up or down and edits on answers, kept in the workspace as an
 * append-only log (one whole line per save; the newest line of an id wins, so changing a rating
 * or an edit is another line, never a rewrite):
 *
 *   .tunebench/feedback/feedback.jsonl   FeedbackEntry per line
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { appendJsonLine } from '../../runs/events.ts';
import { badParam } from '../errors.ts';
import { randomBase62 } from '../ids.ts';
import type { ChatMessageIn } from '../chat/request.ts';

export interface FeedbackEntry {
  id: string;
  ts: string;
  model: string;
  /** What the model answered to: the system prompt, earlier turns and the user's message. */
  messages: ChatMessageIn[];
  /** The model's answer as generated. */
  answer: string;
  rating: 'up' | 'down' | null;
  /** The answer as the user corrected it, or null. */
  edited: string | null;
  style: string | null;
  settings: Record<string, unknown> | null;
}

export function feedbackDir(ws: Workspace): string {
  return path.join(ws.dir, 'feedback');
}

export const feedbackLog = (ws: Workspace) => path.join(feedbackDir(ws), 'feedback.jsonl');

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Validates a save from the playground (a new entry, or a change to one with `id`). */
export function parseFeedback(body: unknown): Omit<FeedbackEntry, 'ts'> {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string, max = 100_000) => {
    if (typeof b[k] !== 'string' || (b[k] as string).length > max) throw badParam(k, `${k} must be a string`, 'invalid_value');
    return b[k] as string;
  };
  const id = b.id === undefined || b.id === null ? `fb-${randomBase62(16)}` : str('id', 40);
  if (!/^fb-[A-Za-z0-9]{16}$/.test(id)) throw badParam('id', 'not a feedback id', 'invalid_value');
  if (!Array.isArray(b.messages) || !b.messages.length) throw badParam('messages', 'messages must be the conversation the answer replied to', 'invalid_value');
  const messages = b.messages.map((m: unknown, i: number) => {
    const x = m as Record<string, unknown>;
    if (!x || !ROLES.has(String(x.role)) || typeof x.content !== 'string') throw badParam(`messages[${i}]`, 'each message needs a role and string content', 'invalid_value');
    return { role: x.role as ChatMessageIn['role'], content: x.content };
  });
  if (b.rating !== null && b.rating !== undefined && b.rating !== 'up' && b.rating !== 'down') throw badParam('rating', 'rating must be up, down or null', 'invalid_value');
  const edited = b.edited === null || b.edited === undefined ? null : str('edited');
  return {
    id,
    model: str('model', 400),
    messages,
    answer: str('answer'),
    rating: (b.rating as FeedbackEntry['rating']) ?? null,
    edited: edited !== null && edited.trim() !== '' ? edited : null,
    style: typeof b.style === 'string' ? b.style : null,
    settings: b.settings && typeof b.settings === 'object' ? (b.settings as Record<string, unknown>) : null
  };
}

export function saveFeedback(ws: Workspace, entry: Omit<FeedbackEntry, 'ts'>): FeedbackEntry {
  const full: FeedbackEntry = { ...entry, ts: new Date().toISOString() };
  fs.mkdirSync(feedbackDir(ws), { recursive: true });
  appendJsonLine(feedbackLog(ws), full);
  return full;
}

/** The current state of every entry (newest line per id), oldest first. */
export function readFeedback(ws: Workspace): FeedbackEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(feedbackLog(ws), 'utf8');
  } catch {
    return [];
  }
  const byId = new Map<string, FeedbackEntry>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as FeedbackEntry;
      byId.delete(e.id);
      byId.set(e.id, e);
    } catch {
      // a partial last line
    }
  }
  return [...byId.values()];
}
