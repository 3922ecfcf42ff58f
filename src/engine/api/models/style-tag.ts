/**
 * Style tags at the start of a system prompt ("[STYLE:formal] You are …"): the pattern and the
 * rewrite. Pure (no Node imports): the playground uses it in the browser, styles.ts in SQL.
 */

/** A tag: [NAME:value] at the start, NAME a word, value without spaces or ']'. */
export const STYLE_TAG = String.raw`^\s*\[([A-Za-z][A-Za-z0-9_-]*):([^\]\s]+)\]`;

/** `system` with its leading style tag replaced by `prefix` (added in front; removed when null). */
export function withStyle(system: string, prefix: string | null): string {
  const rest = system.replace(new RegExp(STYLE_TAG), '').trimStart();
  return prefix ? (rest ? `${prefix} ${rest}` : prefix) : rest;
}
