import { describe, expect, it } from 'vitest';
import { layoutDag, type DagLayout } from './dag-layout.ts';

type Ok = Extract<DagLayout, { ok: true }>;
const ok = (l: DagLayout): Ok => {
  if (!l.ok) throw new Error(l.error);
  return l;
};
const node = (l: Ok, id: string) => l.nodes.find((n) => n.id === id)!;

describe('layoutDag', () => {
  const stages = ['tickets', 'clean', 'split', 'train', 'eval'];
  const edges = [
    { from: 'tickets', to: 'clean' },
    { from: 'clean', to: 'split' },
    { from: 'split', to: 'train' },
    { from: 'split', to: 'eval' },
    { from: 'train', to: 'eval' }
  ];

  it('puts each node one layer below its deepest input', () => {
    const l = ok(layoutDag(stages, edges));
    expect(stages.map((s) => node(l, s).layer)).toEqual([0, 1, 2, 3, 4]);
    // Top to bottom: y grows with the layer; every edge leaves a bottom and enters a top.
    for (const e of l.edges) {
      const [sx, sy] = e.points[0];
      const [tx, ty] = e.points[e.points.length - 1];
      const from = node(l, e.from);
      const to = node(l, e.to);
      expect(sy).toBe(from.y + from.height);
      expect(ty).toBe(to.y);
      expect(sx).toBe(from.x + from.width / 2);
      expect(tx).toBe(to.x + to.width / 2);
    }
    // split → eval skips the train layer: it routes through one waypoint.
    expect(l.edges.find((e) => e.from === 'split' && e.to === 'eval')!.points).toHaveLength(3);
  });

  it('orders layers to avoid crossings the input order would cause', () => {
    // a→d and b→c: given as [a, b] over [c, d], the straight order would cross.
    const l = ok(layoutDag(['a', 'b', 'c', 'd'], [{ from: 'a', to: 'd' }, { from: 'b', to: 'c' }]));
    const x = (id: string) => node(l, id).x;
    expect(Math.sign(x('a') - x('b'))).toBe(Math.sign(x('d') - x('c')));
  });

  it('lays out left to right on request, and keeps nodes of a layer apart', () => {
    const l = ok(layoutDag(['s', 'a', 'b', 'c'], [{ from: 's', to: 'a' }, { from: 's', to: 'b' }, { from: 's', to: 'c' }], { direction: 'LR', nodeWidth: 100, nodeHeight: 30, gapX: 10, gapY: 40 }));
    expect(l.width).toBe(100 + 40 + 100);
    expect(l.height).toBe(3 * 30 + 2 * 10);
    const ys = ['a', 'b', 'c'].map((id) => node(l, id).y).sort((p, q) => p - q);
    expect(ys[1] - ys[0]).toBe(40);
    expect(new Set(['a', 'b', 'c'].map((id) => node(l, id).x)).size).toBe(1);
  });

  it('reports cycles and unknown nodes instead of drawing them', () => {
    const cyc = layoutDag(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'b' }]);
    expect(cyc).toEqual({ ok: false, error: 'the graph has a cycle through b, c' });
    expect(layoutDag(['a'], [{ from: 'a', to: 'zz' }])).toEqual({ ok: false, error: "edge a → zz names an unknown node 'zz'" });
    expect(ok(layoutDag([], []))).toMatchObject({ nodes: [], width: 0, height: 0 });
  });
});
