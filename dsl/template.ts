/**
 * System-prompt templates: text with {column} placeholders, e.g. "[STYLE:{style}] You are a
 * support agent." `{{` and `}}` are literal braces; a brace that does not enclose a column name
 * is literal text too. Rendered per row by the executor through the SQL that compile() builds.
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'column'; name: string; start: number; end: number };

export function parseTemplate(t: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if ((c === '{' || c === '}') && t[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(t.slice(i));
      if (m) {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'column', name: m[1], start: i, end: i + m[0].length });
        i += m[0].length - 1;
        continue;
      }
    }
    text += c;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}
