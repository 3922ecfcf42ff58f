/**
 * References, in the layout every metric here takes: `refs[i]` holds the references of segment i
 * (`null` = absent, as sacreBLEU's `None`: segments may have different numbers of references;
 * `""` is a real, empty reference). sacreBLEU's own layout is the transpose (one stream per
 * reference number); `fromStreams` converts.
 */

/** The references of one segment; null entries are absent references. */
export type SegmentRefs = ReadonlyArray<string | null>;

/** sacreBLEU layout `streams[k][i]` → tunebench layout `refs[i][k]`. */
export function fromStreams(streams: ReadonlyArray<ReadonlyArray<string | null>>): (string | null)[][] {
  const n = streams.length ? streams[0].length : 0;
  const out: (string | null)[][] = [];
  for (let i = 0; i < n; i++) out.push(streams.map((s) => s[i] ?? null));
  return out;
}

/** The non-null references of a segment. */
export function presentRefs(refs: SegmentRefs): string[] {
  const out: string[] = [];
  for (const r of refs) if (r !== null && r !== undefined) out.push(r);
  return out;
}

/** Thrown when a metric gets inputs it cannot score (mismatched lengths, a segment with no reference). */
export class MetricInputError extends Error {
  constructor(
    message: string,
    /** 0-based segment index the problem is in, when it is about one segment. */
    readonly segment?: number
  ) {
    super(message);
    this.name = 'MetricInputError';
  }
}

/** Checks hyps/refs line up and that every segment has at least one reference. */
export function checkCorpus(hyps: ReadonlyArray<string>, refs: ReadonlyArray<SegmentRefs>): void {
  if (hyps.length !== refs.length) {
    throw new MetricInputError(`${hyps.length} hypotheses but ${refs.length} reference sets`);
  }
  for (let i = 0; i < refs.length; i++) {
    if (typeof hyps[i] !== 'string') throw new MetricInputError(`segment ${i + 1}: hypothesis is not a string`, i);
    if (!refs[i].some((r) => typeof r === 'string')) throw new MetricInputError(`segment ${i + 1}: no reference (all are null)`, i);
  }
}
