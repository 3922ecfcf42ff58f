/**
 * A layered layout for small DAGs (a pipeline's stages): nodes go into layers by longest path
 * from the sources, edges that skip layers get invisible waypoints, a few barycenter sweeps order
 * each layer to cut crossings, and layers are centred. Good for tens of nodes; no dependencies.
 */

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Space between neighbours in a layer. */
  gapX?: number;
  /** Space between layers. */
  gapY?: number;
  /** TB: layers top to bottom; LR: left to right. */
  direction?: 'TB' | 'LR';
  sweeps?: number;
}

export interface PlacedNode {
  id: string;
  layer: number;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** From the source's outgoing side to the target's incoming side, through waypoints. */
  points: [number, number][];
}

export type DagLayout =
  | { ok: true; nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number }
  | { ok: false; error: string };

interface Slot {
  id: string;
  real: boolean;
}

export function layoutDag(nodeIds: readonly string[], edges: readonly { from: string; to: string }[], opts: LayoutOptions = {}): DagLayout {
  const W = opts.nodeWidth ?? 160;
  const H = opts.nodeHeight ?? 44;
  const gapX = opts.gapX ?? 28;
  const gapY = opts.gapY ?? 44;
  const lr = opts.direction === 'LR';

  const known = new Set(nodeIds);
  for (const e of edges) {
    for (const end of [e.from, e.to]) if (!known.has(end)) return { ok: false, error: `edge ${e.from} → ${e.to} names an unknown node '${end}'` };
  }

  const layers = assignLayers(nodeIds, edges);
  if (typeof layers === 'string') return { ok: false, error: layers };

  // Split edges that skip layers into chains through virtual slots.
  const slots: Slot[][] = [];
  const put = (layer: number, s: Slot) => (slots[layer] ??= []).push(s);
  for (const id of nodeIds) put(layers.get(id)!, { id, real: true });
  const chains: { from: string; to: string; path: string[] }[] = [];
  const up = new Map<string, string[]>(); // slot → slots in the previous layer linked to it
  const down = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    (down.get(a) ?? down.set(a, []).get(a)!).push(b);
    (up.get(b) ?? up.set(b, []).get(b)!).push(a);
  };
  edges.forEach((e, i) => {
    const path = [e.from];
    for (let l = layers.get(e.from)! + 1; l < layers.get(e.to)!; l++) {
      const v = `\u0000v${i}:${l}`;
      put(l, { id: v, real: false });
      path.push(v);
    }
    path.push(e.to);
    for (let k = 1; k < path.length; k++) link(path[k - 1], path[k]);
    chains.push({ from: e.from, to: e.to, path });
  });
  for (let l = 0; l < slots.length; l++) slots[l] ??= [];

  orderLayers(slots, up, down, opts.sweeps ?? 4);

  // Coordinates along the layer (cross axis) and across layers (main axis).
  const size = (s: Slot) => (s.real ? (lr ? H : W) : 8);
  const widths = slots.map((layer) => layer.reduce((w, s) => w + size(s), 0) + gapX * Math.max(0, layer.length - 1));
  const span = Math.max(0, ...widths);
  const centre = new Map<string, [number, number]>();
  const placed: PlacedNode[] = [];
  const mainStep = (lr ? W : H) + gapY;
  slots.forEach((layer, l) => {
    let cross = (span - widths[l]) / 2;
    for (const s of layer) {
      const c = cross + size(s) / 2;
      const m = l * mainStep + (lr ? W : H) / 2;
      centre.set(s.id, lr ? [m, c] : [c, m]);
      if (s.real) placed.push({ id: s.id, layer: l, x: (lr ? m : c) - W / 2, y: (lr ? c : m) - H / 2, width: W, height: H });
      cross += size(s) + gapX;
    }
  });

  const placedEdges: PlacedEdge[] = chains.map(({ from, to, path }) => {
    const pts = path.map((id) => [...centre.get(id)!] as [number, number]);
    // Leave from the source's far side and arrive at the target's near side.
    if (lr) {
      pts[0][0] += W / 2;
      pts[pts.length - 1][0] -= W / 2;
    } else {
      pts[0][1] += H / 2;
      pts[pts.length - 1][1] -= H / 2;
    }
    return { from, to, points: pts };
  });

  const depth = slots.length ? slots.length * mainStep - gapY : 0;
  return { ok: true, nodes: placed, edges: placedEdges, width: lr ? depth : span, height: lr ? span : depth };
}

/** Longest-path layering (Kahn's order); a cycle is reported by the nodes on it. */
function assignLayers(nodeIds: readonly string[], edges: readonly { from: string; to: string }[]): Map<string, number> | string {
  const indeg = new Map(nodeIds.map((id) => [id, 0]));
  const out = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    indeg.set(e.to, indeg.get(e.to)! + 1);
    out.get(e.from)!.push(e.to);
  }
  const layer = new Map<string, number>();
  const queue = nodeIds.filter((id) => indeg.get(id) === 0);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const t of out.get(id)!) {
      layer.set(t, Math.max(layer.get(t) ?? 0, layer.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (queue.length < nodeIds.length) {
    const stuck = nodeIds.filter((id) => indeg.get(id)! > 0);
    return `the graph has a cycle through ${stuck.join(', ')}`;
  }
  return layer;
}

/** Barycenter heuristic: order each layer by the mean position of its neighbours, alternating sweeps. */
function orderLayers(slots: Slot[][], up: Map<string, string[]>, down: Map<string, string[]>, sweeps: number) {
  const pos = new Map<string, number>();
  const index = () => slots.forEach((layer) => layer.forEach((s, i) => pos.set(s.id, i)));
  index();
  const sortBy = (layer: Slot[], nbrs: Map<string, string[]>) => {
    const key = new Map(
      layer.map((s, i) => {
        const ns = nbrs.get(s.id) ?? [];
        return [s.id, ns.length ? ns.reduce((a, n) => a + pos.get(n)!, 0) / ns.length : i] as const;
      })
    );
    layer.sort((a, b) => key.get(a.id)! - key.get(b.id)!);
    layer.forEach((s, i) => pos.set(s.id, i));
  };
  for (let s = 0; s < sweeps; s++) {
    for (let l = 1; l < slots.length; l++) sortBy(slots[l], up);
    for (let l = slots.length - 2; l >= 0; l--) sortBy(slots[l], down);
  }
  index();
}
