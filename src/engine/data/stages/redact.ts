/**
 * redact: replaces personal data in every message's content with [KIND], one CTE per kind, then
 * recomputes the derived columns (user_text, assistant_text, chars, conversation_id...).
 *
 * Order: custom patterns first (in the Plan's order: they are the most specific, e.g. order ids
 * that a phone pattern would otherwise eat), then email, credit_card, ip, phone. Credit-card
 * candidates (13-19 digits, single spaces or dashes between them) are replaced only when they
 * pass the Luhn check, computed in SQL; phone candidates (digit runs with spaces, dots or dashes)
 * only when they have 7-12 digits (8-15 after a +country code) and are not a date or an IPv4
 * address. Metadata columns and tool-call JSON are not touched.
 *
 * Counts per kind are measured on the result: occurrences of each replacement token in the output
 * minus those already in the input, so nothing is matched twice.
 */
import type { RedactKind, RedactStage } from '../../../../dsl/plan.ts';
import { recomputeDerived } from './derived.ts';
import type { SqlOperator } from './operator.ts';
import { q, withCtes } from './sql.ts';

const EMAIL = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;
const CARD_CANDIDATE = String.raw`\b\d(?:[ -]?\d){12,18}\b`;
const IPV4 = String.raw`\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b`;
const H = '[0-9A-Fa-f]{1,4}';
const IPV6 = String.raw`\b(?:${H}:){7}${H}\b|\b${H}(?::${H}){0,6}::(?:${H}(?::${H}){0,6}\b)?`;
/** Phone candidates: a run of digits, spaces, dots and dashes (optionally +country and (area)). */
const PHONE_CANDIDATE = String.raw`(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\b\d[\d .-]{5,}\d\b`;

/** The built-in patterns (RE2 syntax), exported for tests and docs. */
export const BUILTIN_PATTERNS: Record<string, string> = { email: EMAIL, credit_card: CARD_CANDIDATE, ip: `${IPV6}|${IPV4}`, phone: PHONE_CANDIDATE };
const BUILTIN_ORDER = ['email', 'credit_card', 'ip', 'phone'];

/** The order kinds are applied in: custom patterns, then built-ins from the most specific. */
export function redactionOrder(kinds: RedactKind[]): RedactKind[] {
  return [...kinds.filter((k) => !k.builtin), ...BUILTIN_ORDER.flatMap((n) => kinds.filter((k) => k.builtin && k.name === n))];
}

/** A DuckDB boolean expression: the digits of `x` pass the Luhn check. */
export function luhnSql(x: string): string {
  const digits = `list_transform(string_split(reverse(regexp_replace(${x}, '[^0-9]', '', 'g')), ''), d -> d::INTEGER)`;
  return `list_sum(list_transform(${digits}, (d, i) -> CASE WHEN i % 2 = 0 THEN (CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END) ELSE d END)) % 10 = 0`;
}

/**
 * A DuckDB boolean expression: the phone candidate `x` has 7-12 digits (up to 15 after a +country
 * code) and is not a date or an IPv4 address. Longer digit runs are card-like numbers: a
 * Luhn-invalid one is left alone rather than half-redacted as a phone.
 */
export function phoneSql(x: string): string {
  const digits = `length(regexp_replace(${x}, '[^0-9]', '', 'g'))`;
  return `(${digits} BETWEEN 7 AND 12 OR (${x} LIKE '+%' AND ${digits} BETWEEN 8 AND 15)) AND NOT regexp_full_match(${x}, ${q(String.raw`\d{4}-\d{1,2}-\d{1,2}`)}) AND NOT regexp_full_match(${x}, ${q(String.raw`\d{1,3}(\.\d{1,3}){3}`)})`;
}

/** Replacement text for regexp_replace (backslashes are special there). */
function replacement(k: RedactKind): string {
  return k.replacement.replaceAll('\\', '\\\\');
}

/** Replaces the candidates of `pattern` that pass `accept` (a lambda body over x) with the replacement. */
function replaceAccepted(pattern: string, accept: string, replacementText: string): string {
  const valid = `list_filter(regexp_extract_all(m.content, ${q(pattern)}), x -> ${accept})`;
  return `list_reduce(list_prepend(m.content, ${valid}), (text, x) -> replace(text, x, ${q(replacementText)}))`;
}

function redactContent(k: RedactKind): string {
  if (k.builtin && k.name === 'credit_card') return replaceAccepted(CARD_CANDIDATE, luhnSql('x'), k.replacement);
  if (k.builtin && k.name === 'phone') return replaceAccepted(PHONE_CANDIDATE, phoneSql('x'), k.replacement);
  const pattern = k.builtin ? BUILTIN_PATTERNS[k.name] : k.pattern!;
  return `regexp_replace(m.content, ${q(pattern)}, ${q(replacement(k))}, 'g')`;
}

function cteFor(k: RedactKind): string {
  return `redact_${k.name.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase()}`;
}

/** Occurrences of `token` in all message contents of a relation. */
function tokenCount(relation: string, token: string): string {
  const t = q(token);
  return `(SELECT coalesce(sum((length(m.content) - length(replace(m.content, ${t}, ''))) // length(${t})), 0) FROM (SELECT unnest(messages) AS m FROM ${relation}))`;
}

export const redactOperator: SqlOperator<RedactStage> = {
  build(stage, input) {
    const ctes: [string, string][] = [[input.cte, `select * from ${input.relation}`]];
    let from = input.cte;
    for (const k of redactionOrder(stage.params.kinds)) {
      const name = cteFor(k);
      ctes.push([name, `select * replace (\n    list_transform(messages, m -> struct_update(m, content := ${redactContent(k)})) as messages\n  )\n  from ${from}`]);
      from = name;
    }
    ctes.push(recomputeDerived(from), ['final', 'select * exclude (file_row_number) from recomputed']);
    return { preamble: [], select: withCtes(ctes) };
  },
  async report(stage, r) {
    const kinds = redactionOrder(stage.params.kinds);
    const cols = kinds.map((k) => `${tokenCount(r.output, k.replacement)} - ${tokenCount(r.input.relation, k.replacement)} AS ${q(k.name).replaceAll("'", '"')}`);
    const [counts] = await r.query<Record<string, number>>(`SELECT ${cols.join(', ')}`);
    const [changed] = await r.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT conversation_id FROM ${r.input.relation}) i POSITIONAL JOIN (SELECT conversation_id AS new_id FROM ${r.output}) o WHERE i.conversation_id IS DISTINCT FROM o.new_id`);
    const perKind = Object.fromEntries(kinds.map((k) => [k.name, Number(counts?.[k.name] ?? 0)]));
    return { redactions: perKind, total: Object.values(perKind).reduce((a, b) => a + b, 0), rows_changed: Number(changed?.n ?? 0), order: kinds.map((k) => k.name) };
  },
  notes: () => ['credit-card candidates are replaced only when their digits pass the Luhn check; phone candidates only with 7-12 digits (8-15 after +country), not dates or IPv4 addresses']
};
