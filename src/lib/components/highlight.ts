/** Splits text around case-insensitive matches of `query`, for <mark>ing search hits. */
export interface TextPart {
  text: string;
  match: boolean;
}

export function splitMatches(text: string, query: string | undefined | null): TextPart[] {
  if (!query) return [{ text, match: false }];
  const q = query.toLocaleLowerCase();
  const lower = text.toLocaleLowerCase();
  // Lower-casing can change the length of some characters; then fall back to no highlighting.
  if (lower.length !== text.length) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let from = 0;
  for (let i = lower.indexOf(q); i !== -1 && q.length > 0; i = lower.indexOf(q, from)) {
    if (i > from) parts.push({ text: text.slice(from, i), match: false });
    parts.push({ text: text.slice(i, i + q.length), match: true });
    from = i + q.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
