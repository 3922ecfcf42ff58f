/**
 * The keyboard shortcut registry: pages and the layout register shortcuts while they are mounted,
 * one window listener dispatches them, and the help dialog lists what is registered right now.
 *
 *   onMount(() => shortcuts.register({ keys: 'g d', description: 'Go to datasets', run: () => goto('/datasets') }));
 *
 * Shortcuts without Ctrl/Alt/Cmd are ignored while the user types in a field, unless they say
 * `inInputs: true`. A `run` that returns false declines (the key then does its usual thing).
 */
import { eventChord, isMac, parseSequence, type KeyLike } from './keys.ts';

export interface Shortcut {
  /** Chords separated by spaces: "g d", "/", "?", "Mod+Enter". */
  keys: string;
  description: string;
  /** Heading in the help dialog, e.g. "Navigation". */
  group?: string;
  run: (e: KeyboardEvent) => boolean | void;
  /** Fire even while focus is in an input, textarea or editor. Default: only chords with Ctrl/Alt/Cmd. */
  inInputs?: boolean;
}

interface Entry {
  shortcut: Shortcut;
  sequence: string[];
}

/** Time allowed between the chords of a sequence. */
const SEQUENCE_TIMEOUT_MS = 1200;

function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(target.type);
  return target.closest('.monaco-editor') !== null;
}

export class ShortcutRegistry {
  #entries = $state.raw<Entry[]>([]);
  #pending: string[] = [];
  #pendingAt = 0;
  #mac: boolean;

  constructor(mac = isMac()) {
    this.#mac = mac;
  }

  get list(): Shortcut[] {
    return this.#entries.map((e) => e.shortcut);
  }

  /** Registers shortcuts; returns the function that removes them (use it as an onMount cleanup). */
  register(shortcuts: Shortcut | Shortcut[]): () => void {
    const added = (Array.isArray(shortcuts) ? shortcuts : [shortcuts]).map((s) => ({ shortcut: s, sequence: parseSequence(s.keys, this.#mac) }));
    this.#entries = [...this.#entries, ...added];
    return () => {
      this.#entries = this.#entries.filter((e) => !added.includes(e));
    };
  }

  /** Dispatches one key event; true when a shortcut took it. */
  handle(e: KeyboardEvent | (KeyLike & { target: EventTarget | null; timeStamp?: number; preventDefault(): void })): boolean {
    const chord = eventChord(e);
    if (!chord) return false;
    const now = e.timeStamp ?? Date.now();
    const typing = isTypingTarget(e.target);
    const usable = this.#entries.filter((x) => !typing || x.shortcut.inInputs || /^(ctrl|alt|meta)\+/.test(x.sequence[0]));
    const fresh = now - this.#pendingAt > SEQUENCE_TIMEOUT_MS ? [] : this.#pending;
    for (const candidate of fresh.length ? [[...fresh, chord], [chord]] : [[chord]]) {
      const exact = usable.filter((x) => sameSeq(x.sequence, candidate));
      // Later registrations win: a page's shortcut overrides the layout's.
      for (const x of exact.reverse()) {
        if (x.shortcut.run(e as KeyboardEvent) !== false) {
          e.preventDefault();
          this.#pending = [];
          return true;
        }
      }
      if (usable.some((x) => x.sequence.length > candidate.length && sameSeq(x.sequence.slice(0, candidate.length), candidate))) {
        this.#pending = candidate;
        this.#pendingAt = now;
        return true;
      }
    }
    this.#pending = [];
    return false;
  }

  /** Listens on `target` (the window) until the returned cleanup runs. */
  listen(target: Window = window): () => void {
    const onKey = (e: KeyboardEvent) => {
      if (!e.defaultPrevented && !e.isComposing) this.handle(e);
    };
    target.addEventListener('keydown', onKey);
    return () => target.removeEventListener('keydown', onKey);
  }
}

function sameSeq(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const shortcuts = new ShortcutRegistry();
