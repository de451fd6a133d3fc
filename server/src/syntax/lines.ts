// Offsets to 0-based line numbers, by binary search over the offsets where lines start.

/** Offsets where lines start, ascending; the first is 0. */
export type LineStarts = ArrayLike<number>;

/**
 * The last text's line starts: one analysis asks for those of the same text in several places
 * (publications, syntax copies, suppressions), and an editor asks again at every keystroke.
 */
let last: { text: string; starts: Uint32Array } | undefined;

export function lineStarts(text: string): Uint32Array {
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

/**
 * Makes `starts` the answer for `text` (the editor keeps a document's line starts up to date
 * edit by edit, editLineStarts(), instead of reading the whole text again at every keystroke).
 */
export function rememberLineStarts(text: string, starts: Uint32Array): void {
  last = { text, starts };
}

/**
 * The line starts of a text after replacing [start, oldEnd) of it with `inserted`, from its
 * line starts before: those up to `start` stay, those the replaced range held go, the inserted
 * text's come in, and those after it move by the change in length.
 */
export function editLineStarts(starts: Uint32Array, start: number, oldEnd: number, inserted: string): Uint32Array {
  const before = lineOf(starts, start) + 1; // the starts at or before `start` stay
  const after = lineOf(starts, oldEnd) + 1; // the first start past the replaced range
  let added = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) added++;
  const out = new Uint32Array(before + added + (starts.length - after));
  out.set(starts.subarray(0, before));
  let n = before;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) out[n++] = start + i + 1;
  const delta = inserted.length - (oldEnd - start);
  for (let k = after; k < starts.length; k++) out[n++] = (starts[k] as number) + delta;
  return out;
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
