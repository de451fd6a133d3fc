// Offsets to 0-based line numbers, by binary search over the offsets where lines start.

/** Offsets where lines start, ascending; the first is 0. */
export type LineStarts = ArrayLike<number>;

/**
 * The last text's line starts: one analysis asks for those of the same text in several places
 * (publications, syntax copies, suppressions), and an editor asks again at every keystroke.
 */
let last: { text: string; starts: Uint32Array } | undefined;

export function lineStarts(text: string): LineStarts {
  if (last?.text === text) return last.starts;
  // Counted first: an array grown line by line allocated three times its size at every edit.
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  const starts = new Uint32Array(n);
  n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
  last = { text, starts };
  return starts;
}

export function lineOf(starts: LineStarts, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
