/**
 * Stop sequences on decoded text, and how much of the text is safe to stream.
 *
 * Text is re-decoded from all generated ids at each step (byte-fallback tokens only become
 * characters once their UTF-8 sequence is complete, and decoders such as SentencePiece's strip a
 * leading space only at the start). What may be streamed is the text minus
 *   - a trailing U+FFFD (an incomplete UTF-8 sequence that the next byte token may complete), and
 *   - the longest tail that could still grow into a stop sequence.
 */

export interface StopCheck {
  /** Index in the text where a stop sequence starts, or -1. */
  stopAt: number;
  /** The stop sequence found. */
  stop: string | null;
  /** Characters that can be emitted now. */
  safeLength: number;
}

export class StopMatcher {
  constructor(private readonly stops: string[]) {
    for (const s of stops) if (s.length === 0) throw new Error('stop sequences must not be empty');
  }

  check(text: string, searchFrom = 0): StopCheck {
    let stopAt = -1;
    let stop: string | null = null;
    for (const s of this.stops) {
      const at = text.indexOf(s, Math.max(0, searchFrom - s.length));
      if (at >= 0 && (stopAt < 0 || at < stopAt)) {
        stopAt = at;
        stop = s;
      }
    }
    if (stopAt >= 0) return { stopAt, stop, safeLength: stopAt };
    let safe = text.length;
    while (safe > 0 && text.charCodeAt(safe - 1) === 0xfffd) safe--;
    for (const s of this.stops) {
      // Longest proper prefix of s that ends the text.
      for (let len = Math.min(s.length - 1, safe); len > 0; len--) {
        if (text.endsWith(s.slice(0, len)) && text.length - len < safe) {
          safe = text.length - len;
          break;
        }
      }
    }
    return { stopAt: -1, stop: null, safeLength: safe };
  }
}
