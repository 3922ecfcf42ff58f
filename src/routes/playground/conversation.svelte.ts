/**
 * One chat pane's state: the model, the system prompt and style, the sampling settings, and the
 * turns. send() streams the assistant's answer into the last turn; rate() and edit() store
 * feedback on an answer in the workspace (POST /api/playground/feedback, one entry per answer,
 * updated in place by id).
 */
import { api } from '$lib/api/client';
import { streamChat } from './chat-stream.ts';

export interface Settings {
  temperature: number;
  top_p: number;
  max_tokens: number;
  stop: string;
  seed: string;
}

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
  /** Assistant turns: generation in progress. */
  streaming?: boolean;
  error?: string | null;
  rating?: 'up' | 'down' | null;
  edited?: string | null;
  feedbackId?: string | null;
  /** The conversation this answer replied to (system + earlier turns + the user's message). */
  context?: { role: string; content: string }[];
  stats?: { ttftMs: number | null; tokens: number | null; finish: string | null };
}

export const DEFAULT_SETTINGS: Settings = { temperature: 0.7, top_p: 1, max_tokens: 128, stop: '', seed: '' };

export class Conversation {
  model = $state('');
  system = $state('');
  style = $state<string | null>(null);
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  turns = $state<Turn[]>([]);
  #abort: AbortController | null = null;

  constructor(model: string) {
    this.model = model;
  }

  get busy(): boolean {
    return this.turns.some((t) => t.streaming);
  }

  /** The messages sent for the next answer. */
  private context(): { role: string; content: string }[] {
    const msgs = this.system.trim() ? [{ role: 'system', content: this.system.trim() }] : [];
    for (const t of this.turns) if (!t.error && !t.streaming) msgs.push({ role: t.role, content: t.edited ?? t.content });
    return msgs;
  }

  async send(prompt: string): Promise<void> {
    if (!prompt.trim() || !this.model || this.busy) return;
    this.turns.push({ role: 'user', content: prompt });
    const context = this.context();
    this.turns.push({ role: 'assistant', content: '', streaming: true, rating: null, edited: null, feedbackId: null, context });
    const turn = this.turns[this.turns.length - 1];
    const s = this.settings;
    const stop = s.stop
      .split('\n')
      .map((x) => x.replace(/\\n/g, '\n'))
      .filter((x) => x.length > 0)
      .slice(0, 4);
    this.#abort = new AbortController();
    try {
      const r = await streamChat(
        { model: this.model, messages: context, temperature: s.temperature, top_p: s.top_p, max_tokens: s.max_tokens, ...(stop.length ? { stop } : {}), ...(s.seed.trim() ? { seed: Number(s.seed) } : {}) },
        { onDelta: (d) => (turn.content += d), signal: this.#abort.signal }
      );
      turn.stats = { ttftMs: r.ttftMs, tokens: r.usage?.completion_tokens ?? null, finish: r.finish };
    } catch (e) {
      turn.error = (e as Error).name === 'AbortError' ? 'stopped' : (e as Error).message;
    } finally {
      turn.streaming = false;
      this.#abort = null;
    }
  }

  stop(): void {
    this.#abort?.abort();
  }

  clear(): void {
    this.stop();
    this.turns = [];
  }

  private async save(turn: Turn): Promise<void> {
    const body = { id: turn.feedbackId ?? undefined, model: this.model, messages: turn.context ?? [], answer: turn.content, rating: turn.rating ?? null, edited: turn.edited ?? null, style: this.style, settings: { ...this.settings } };
    const saved = await api.post<{ id: string }>('/api/playground/feedback', body);
    turn.feedbackId = saved.id;
  }

  async rate(turn: Turn, rating: 'up' | 'down'): Promise<void> {
    turn.rating = turn.rating === rating ? null : rating;
    await this.save(turn);
  }

  async edit(turn: Turn, text: string): Promise<void> {
    turn.edited = text.trim() && text !== turn.content ? text : null;
    await this.save(turn);
  }
}
