import { describe, expect, it } from 'vitest';
import { OpenAIError } from './errors.ts';
import { pageQuery, paginate } from './pagination.ts';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `x${i}` }));

describe('cursor pagination', () => {
  it('pages with after and limit, and says whether more follow', () => {
    const p1 = paginate(items, { limit: 3 });
    expect(p1).toEqual({ object: 'list', data: items.slice(0, 3), has_more: true, first_id: 'x0', last_id: 'x2' });
    const p2 = paginate(items, { after: p1.last_id, limit: 3 });
    expect(p2.data.map((x) => x.id)).toEqual(['x3', 'x4', 'x5']);
    const p3 = paginate(items, { after: p2.last_id, limit: 3 });
    expect(p3).toEqual({ object: 'list', data: [items[6]], has_more: false, first_id: 'x6', last_id: 'x6' });
    expect(paginate(items, { after: 'x6' })).toEqual({ object: 'list', data: [], has_more: false, first_id: null, last_id: null });
  });

  it('refuses a cursor that names no object, and limits out of range', () => {
    expect(() => paginate(items, { after: 'nope' })).toThrow(OpenAIError);
    expect(() => pageQuery(new URLSearchParams('limit=0'))).toThrow(/limit/);
    expect(() => pageQuery(new URLSearchParams('limit=abc'))).toThrow(/limit/);
    expect(pageQuery(new URLSearchParams('limit=5&after=x1'))).toEqual({ after: 'x1', limit: 5 });
    expect(pageQuery(new URLSearchParams(''))).toEqual({ after: null, limit: 20 });
  });
});
