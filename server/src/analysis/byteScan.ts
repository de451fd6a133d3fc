// Which of a set of identifiers a file's raw bytes name, without decoding them: the prefilter of
// a whole-tree scan reads every byte of 60,000 files, and V8's regular expression over the
// decoded text ran at 0.4 GB/s.
//
// Wu-Manber: with m the shortest word's length, look at the last two bytes of each m-byte window.
// A pair that ends no word's first m bytes within its last k positions moves the window k bytes
// (up to m - 1); only a pair that ends some word's first m bytes (shift 0) is checked against
// those words. On kernel C the window moves five bytes at a time for the model's words.
//
// Identifiers are ASCII: a byte of 0x80 or more is never part of one, as latin1 decoding and
// JavaScript's \w agree. A word is found where it is a whole identifier (a maximal run of
// [A-Za-z0-9_]), so `\bword\b` semantics.

/** Bytes of identifiers, as JavaScript's \w. */
const WORD = new Uint8Array(256);
for (let c = 0; c < 256; c++) WORD[c] = /\w/.test(String.fromCharCode(c)) ? 1 : 0;

/**
 * Inputs with fewer windows than this are scanned by one cursor. Above, four cursors walk four
 * quarters interleaved: each move depends on a table load, so a single cursor mostly waits on
 * the loads; four independent ones overlap them (3x faster than one on the kernel tree).
 */
const SPLIT_FROM = 1024;

interface Word {
  text: string;
  bytes: Uint8Array;
}

export class ByteScanner {
  /** The shortest word's length: the window. */
  private readonly m: number;
  /** By the window's last two bytes (first << 8 | second): how far the window may move. */
  private readonly shift: Uint8Array;
  /** By the same pair, where shift is 0: 1 + the index in `lists` of the words whose first m bytes end with it. */
  private readonly slot: Uint16Array;
  private readonly lists: Word[][] = [];
  /** Words of one character leave no pair to look at: those scans go through a regular expression. */
  private readonly fallback: RegExp | undefined;

  /** `words`: identifiers ([A-Za-z0-9_]+). */
  constructor(words: readonly string[]) {
    const list = [...new Set(words)];
    if (list.some((w) => !/^\w+$/.test(w))) throw new Error('ByteScanner: words must be identifiers');
    // No words: a window longer than any input, so nothing is ever looked at.
    this.m = list.length ? Math.min(...list.map((w) => w.length)) : Infinity;
    // A shorter move than the window allows is always safe; a byte holds 255 at most.
    this.shift = new Uint8Array(65536).fill(Math.min(Math.max(this.m - 1, 0), 255));
    this.slot = new Uint16Array(65536);
    if (this.m < 2) {
      this.fallback = new RegExp(`\\b(?:${list.sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');
      return;
    }
    const m = this.m;
    for (const w of list) {
      for (let q = 2; q <= m; q++) {
        const pair = (w.charCodeAt(q - 2) << 8) | w.charCodeAt(q - 1);
        this.shift[pair] = Math.min(this.shift[pair] as number, m - q);
      }
      const end = (w.charCodeAt(m - 2) << 8) | w.charCodeAt(m - 1);
      if (!this.slot[end]) {
        if (this.lists.length === 65535) throw new Error('ByteScanner: too many words');
        this.slot[end] = this.lists.push([]);
      }
      (this.lists[(this.slot[end] as number) - 1] as Word[]).push({ text: w, bytes: Buffer.from(w, 'latin1') });
    }
  }

  /** The words `t` names as whole identifiers. */
  present(t: Uint8Array): Set<string> {
    const out = new Set<string>();
    if (this.fallback) {
      for (const match of Buffer.from(t.buffer, t.byteOffset, t.length).toString('latin1').matchAll(this.fallback)) out.add(match[0]);
    } else {
      this.run(t, out);
    }
    return out;
  }

  /** Whether `t` names any of the words (stops at the first). */
  any(t: Uint8Array): boolean {
    if (this.fallback) {
      this.fallback.lastIndex = 0;
      return this.fallback.test(Buffer.from(t.buffer, t.byteOffset, t.length).toString('latin1'));
    }
    return this.run(t, undefined);
  }

  /**
   * Visits every window end in [m - 1, n). With `out`, adds every word found and returns false;
   * without, returns true at the first word found.
   *
   * The move (the pair's shift, or one past a checked window) is written out at each cursor
   * rather than called: `check` runs with V8's inlining budget cut (jitTuning.ts), and a call
   * per move that was not inlined made the scan a third slower.
   */
  private run(t: Uint8Array, out: Set<string> | undefined): boolean {
    const shift = this.shift;
    const m = this.m;
    const n = t.length;
    const first = this.m - 1;
    if (n - first < SPLIT_FROM) return this.cursor(t, first, n, out);
    const q = (n - first) >> 2;
    // Cursor k covers the window ends [ends[k], ends[k + 1]).
    const eb = first + q;
    const ec = eb + q;
    const ed = ec + q;
    let a = first;
    let b = eb;
    let c = ec;
    let d = ed;
    while (a < eb && b < ec && c < ed && d < n) {
      let s = shift[((t[a - 1] as number) << 8) | (t[a] as number)] as number;
      if (s !== 0) a += s;
      else {
        if ((a < m || WORD[t[a - m] as number] !== 1) && this.hit(t, a, out) && !out) return true;
        a++;
      }
      s = shift[((t[b - 1] as number) << 8) | (t[b] as number)] as number;
      if (s !== 0) b += s;
      else {
        if ((b < m || WORD[t[b - m] as number] !== 1) && this.hit(t, b, out) && !out) return true;
        b++;
      }
      s = shift[((t[c - 1] as number) << 8) | (t[c] as number)] as number;
      if (s !== 0) c += s;
      else {
        if ((c < m || WORD[t[c - m] as number] !== 1) && this.hit(t, c, out) && !out) return true;
        c++;
      }
      s = shift[((t[d - 1] as number) << 8) | (t[d] as number)] as number;
      if (s !== 0) d += s;
      else {
        if ((d < m || WORD[t[d - m] as number] !== 1) && this.hit(t, d, out) && !out) return true;
        d++;
      }
    }
    return this.cursor(t, a, eb, out) || this.cursor(t, b, ec, out) || this.cursor(t, c, ed, out) || this.cursor(t, d, n, out);
  }

  /** One cursor over the window ends [from, to): each move as in run(). */
  private cursor(t: Uint8Array, from: number, to: number, out: Set<string> | undefined): boolean {
    const shift = this.shift;
    const m = this.m;
    for (let p = from; p < to;) {
      const s = shift[((t[p - 1] as number) << 8) | (t[p] as number)] as number;
      if (s !== 0) p += s;
      else {
        if ((p < m || WORD[t[p - m] as number] !== 1) && this.hit(t, p, out) && !out) return true;
        p++;
      }
    }
    return false;
  }

  /**
   * Whether a word starts at the window ending at `end` (and is a whole identifier there); adds
   * it to `out`. The callers have checked that no identifier byte precedes the window: that
   * test, inline, turns away three in four of the windows whose pair ends a word's first bytes
   * (`st` of `request` ends many a window on kernel C) without a call.
   */
  private hit(t: Uint8Array, end: number, out: Set<string> | undefined): boolean {
    const start = end - this.m + 1;
    const list = this.lists[(this.slot[((t[end - 1] as number) << 8) | (t[end] as number)] as number) - 1] as Word[];
    for (const w of list) {
      const stop = start + w.bytes.length;
      if (stop > t.length || (stop < t.length && WORD[t[stop] as number])) continue;
      let k = 0;
      while (k < w.bytes.length && t[start + k] === w.bytes[k]) k++;
      if (k < w.bytes.length) continue;
      // A whole identifier equals one word at most.
      out?.add(w.text);
      return true;
    }
    return false;
  }
}
