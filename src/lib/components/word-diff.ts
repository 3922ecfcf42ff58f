/**
 * Word-level diff of two texts (Myers' O(ND) algorithm over word tokens), for comparing two
 * models' outputs. Han, Hiragana and Katakana characters are tokens of their own, so Chinese and
 * Japanese text diffs per character rather than per sentence.
 */

export type DiffOp = 'equal' | 'insert' | 'delete';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

const TOKEN = /\s+|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}_'’]+|[^\s]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Edit scripts longer than this fall back to "replace the middle": cost stays bounded. */
const MAX_EDIT_DISTANCE = 4000;

type Step = DiffOp;

function myers(a: string[], b: string[]): Step[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE); d++) {
    trace.push(v.slice(off - d, off + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number): Step[] {
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const band = trace[d];
    const at = (k: number) => band[k + d];
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = 0;
    else prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      steps.push('equal');
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        steps.push('insert');
        y--;
      } else {
        steps.push('delete');
        x--;
      }
    }
  }
  return steps.reverse();
}

/** Groups a step list into parts, old text of a change before new text. */
function toParts(a: string[], b: string[], steps: Step[]): DiffPart[] {
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) parts.push({ op: 'delete', text: del });
    if (ins) parts.push({ op: 'insert', text: ins });
    del = ins = '';
  };
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s];
    if (step === 'equal') {
      const tok = a[i];
      // Whitespace between two changes reads better inside the change than splitting it.
      const inChange = (del || ins) && /^\s+$/.test(tok) && steps[s + 1] !== undefined && steps[s + 1] !== 'equal';
      if (inChange) {
        del += tok;
        ins += tok;
      } else {
        flush();
        const last = parts[parts.length - 1];
        if (last?.op === 'equal') last.text += tok;
        else parts.push({ op: 'equal', text: tok });
      }
      i++;
      j++;
    } else if (step === 'delete') del += a[i++];
    else ins += b[j++];
  }
  flush();
  return parts;
}

function diffSteps(a: string[], b: string[]): Step[] {
  // Common prefix and suffix cost nothing to find and shrink the search a lot for similar outputs.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const steps: Step[] = myers(midA, midB) ?? [...midA.map((): Step => 'delete'), ...midB.map((): Step => 'insert')];
  return [...Array<Step>(pre).fill('equal'), ...steps, ...Array<Step>(suf).fill('equal')];
}

export function diffTokens(a: string[], b: string[]): DiffPart[] {
  return toParts(a, b, diffSteps(a, b));
}

export function diffWords(a: string, b: string): DiffPart[] {
  return diffTokens(tokenize(a), tokenize(b));
}

/** Share of non-space tokens that differ, 0 (same) to 1 (nothing in common): sorts by disagreement. */
export function disagreement(a: string, b: string): number {
  const ta = tokenize(a).filter((t) => !/^\s+$/.test(t));
  const tb = tokenize(b).filter((t) => !/^\s+$/.test(t));
  if (ta.length + tb.length === 0) return 0;
  const same = diffSteps(ta, tb).filter((s) => s === 'equal').length;
  return 1 - (2 * same) / (ta.length + tb.length);
}
