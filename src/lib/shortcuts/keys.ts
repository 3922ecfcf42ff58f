/**
 * Key notation for shortcuts. A shortcut is a sequence of chords separated by spaces ("g d");
 * a chord is modifiers and a key joined by '+' ("Mod+Enter", "Shift+?", "/"). `Mod` is Cmd on
 * macOS and Ctrl elsewhere. Letters compare case-insensitively; Shift counts for letters and named
 * keys only, because punctuation such as '?' already needs Shift on most layouts.
 */

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Meta', 'Shift', 'AltGraph', 'CapsLock']);

function isPunctuation(key: string): boolean {
  return key.length === 1 && !/[\p{L}\p{N}]/u.test(key);
}

function canonical(ctrl: boolean, alt: boolean, meta: boolean, shift: boolean, key: string): string {
  const k = key.length === 1 ? key.toLowerCase() : key;
  const useShift = shift && !isPunctuation(key) && key !== ' ';
  return `${ctrl ? 'ctrl+' : ''}${alt ? 'alt+' : ''}${meta ? 'meta+' : ''}${useShift ? 'shift+' : ''}${k === ' ' ? 'Space' : k}`;
}

/** The canonical form of one chord written by hand, e.g. "Mod+Enter" → "ctrl+Enter" off macOS. */
export function parseChord(chord: string, mac: boolean): string {
  const parts = chord.split('+');
  // "Shift++" or "+" name the plus key itself.
  let key = parts.pop() ?? '';
  if (key === '' && chord.endsWith('+')) {
    parts.pop();
    key = '+';
  }
  let ctrl = false,
    alt = false,
    meta = false,
    shift = false;
  for (const m of parts.map((p) => p.toLowerCase())) {
    if (m === 'mod') (mac ? (meta = true) : (ctrl = true));
    else if (m === 'ctrl' || m === 'control') ctrl = true;
    else if (m === 'alt' || m === 'option') alt = true;
    else if (m === 'meta' || m === 'cmd') meta = true;
    else if (m === 'shift') shift = true;
    else throw new Error(`unknown modifier '${m}' in shortcut '${chord}'`);
  }
  if (key === 'Space') key = ' ';
  return canonical(ctrl, alt, meta, shift, key);
}

/** A whole sequence ("g d") in canonical form, one entry per chord. */
export function parseSequence(keys: string, mac: boolean): string[] {
  const chords = keys.trim().split(/\s+/);
  return chords.map((c) => parseChord(c, mac));
}

/** The canonical chord of a key event, or null for a lone modifier press. */
export function eventChord(e: KeyLike): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  return canonical(e.ctrlKey, e.altKey, e.metaKey, e.shiftKey, e.key);
}

/** How a shortcut is shown to people: "g d", "⌘ Enter" / "Ctrl Enter". */
export function displayKeys(keys: string, mac: boolean): string[] {
  return keys
    .trim()
    .split(/\s+/)
    .map((chord) =>
      chord
        .split(/\+(?!$)/)
        .map((p) => (p.toLowerCase() === 'mod' ? (mac ? '⌘' : 'Ctrl') : p))
        .join(' ')
    );
}

export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
