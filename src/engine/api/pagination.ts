/**
 * Cursor pagination as OpenAI does it: `after` is the id of the last object the client has seen,
 * `limit` caps the page (default 20, 1..100 here; OpenAI's lists cap at 100 or 10,000), and the
 * answer is {object: 'list', data, has_more, first_id, last_id}. The official clients page by
 * sending the last id of a page as the next `after` while has_more is true.
 */
import { badParam } from './errors.ts';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export interface PageQuery {
  after?: string | null;
  limit?: number;
}

/** Reads `after` and `limit` from a query string; a bad limit is a 400 naming `limit`. */
export function pageQuery(params: URLSearchParams, opts: { defaultLimit?: number; maxLimit?: number } = {}): PageQuery {
  const raw = params.get('limit');
  const max = opts.maxLimit ?? 100;
  let limit = opts.defaultLimit ?? 20;
  if (raw !== null) {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw badParam('limit', `limit must be a whole number from 1 to ${max} (got '${raw}')`);
    limit = Number(raw);
  }
  return { after: params.get('after'), limit };
}

/**
 * One page of `items` (already in the list's order) after the object with id `after`.
 * An `after` that names no object is a 400, as a stale cursor should not look like an empty list.
 */
export function paginate<T extends { id: string }>(items: readonly T[], q: PageQuery): ListPage<T> {
  let start = 0;
  if (q.after) {
    const at = items.findIndex((x) => x.id === q.after);
    if (at < 0) throw badParam('after', `'${q.after}' is not an object of this list (after must be the id of an object from an earlier page)`, 'invalid_cursor');
    start = at + 1;
  }
  const limit = q.limit ?? 20;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}
