// C text as its tokens read, without comments and without the blanks the parser skips: what
// the function cache keys a definition by (analysis/cacheKey.ts), and what the analysis
// quotes of an argument (a region's name, a devres action's data), so that two texts the
// cache keys alike are read alike. Text only: no tree.

/** What ends a run of token characters: blanks, a possible comment, a literal's quote. */
const BREAKS_RUN: boolean[] = [];
for (const ch of ' \t\r\f\v\n/"\'') BREAKS_RUN[ch.charCodeAt(0)] = true;

/** Characters that never join a neighbour into another token: blanks around them say nothing. */
const SEPARATORS = new Set('(){}[];,'.split(''));

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * `t` as the parser tokenizes it: comments out, and blanks only where they keep two tokens
 * apart (`a b`, `- -`); line breaks stay (they end preprocessor lines). String and character
 * literals, and preprocessor lines (`#define A (x)` is not `#define A(x)`), are copied as
 * they are. Two texts with the same tokenText() parse to the same tree, outside the regions the
 * parser recovers from an error in: its recovery weighs the bytes it skips, so there a blank
 * can move it.
 *
 * With `lines: false`, for a piece of an expression: a line break is a blank like any other, a
 * literal a line break cuts short (a quote typed into a line) ends before it, and a blank stays
 * only between two word characters. Then only the parser's tokens are read, as the form of a
 * tree with an error (syntax/form.ts) reads them: texts of one form read alike.
 */
export function tokenText(t: string, opts: { lines?: boolean } = {}): string {
  const lines = opts.lines !== false;
  let out = '';
  let i = 0;
  const n = t.length;
  let gap = false;
  // Without lines, for a tree with an error (keyed by its form, which holds no blank at all),
  // only the blank two words need to stay two: any two leaves of a tree whose ends are word
  // characters had one between them, or the lexer would have made them one token.
  // What the output ends with, kept as it grows: reading `out` itself would flatten the string
  // V8 builds by concatenation at every token, quadratic in the text (found in review: a
  // function of 20,000 ifs kept the server busy for seconds at every keystroke).
  /** The last character written, -1 before any. */
  let last = -1;
  /** The first character of the run of word characters and dots `out` ends with, -1 for none. */
  let runFirst = -1;
  const append = (piece: string): void => {
    if (!piece) return;
    out += piece;
    let k = piece.length - 1;
    while (k >= 0 && isNumberChar(piece.charCodeAt(k))) k--;
    if (k >= 0) runFirst = k < piece.length - 1 ? piece.charCodeAt(k + 1) : -1;
    else if (runFirst < 0) runFirst = piece.charCodeAt(0);
    last = piece.charCodeAt(piece.length - 1);
  };
  /** A blank after a number is kept: `1 .5` and `1e +5` are not `1.5` and `1e+5`. */
  const endsWithNumber = (): boolean => runFirst >= 48 && runFirst <= 57;
  const blank = (before: number, after: number): boolean =>
    lines ? needsBlank(before, after) || endsWithNumber() : isWordChar(before) && isWordChar(after);
  const emit = (piece: string): void => {
    if (gap && last >= 0 && blank(last, piece.charCodeAt(0))) append(' ');
    gap = false;
    append(piece);
  };
  while (i < n) {
    const c = t[i] as string;
    if (lines && c === '#' && (last < 0 || last === 10)) {
      let j = i;
      while (j < n && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
      append(t.slice(i, j));
      gap = false;
      i = j;
    } else if (c === '\n' && lines) {
      append('\n');
      gap = false;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\n') {
      gap = true;
      i++;
    } else if (c === '/' && t[i + 1] === '*') {
      const end = t.indexOf('*/', i + 2);
      gap = true;
      i = end < 0 ? n : end + 2;
    } else if (c === '/' && t[i + 1] === '/') {
      while (i < n && t[i] !== '\n') i += t[i] === '\\' ? 2 : 1;
      gap = true;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && t[j] !== c && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
      const cut = !lines && t[j] === '\n';
      emit(t.slice(i, cut ? j : j + 1));
      i = cut ? j : j + 1;
    } else {
      let j = i + 1;
      while (j < n && !BREAKS_RUN[t.charCodeAt(j)]) j++;
      emit(t.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** A character of a number's spelling: a word character or a dot. */
function isNumberChar(c: number): boolean {
  return isWordChar(c) || c === 46;
}

function needsBlank(before: number, after: number): boolean {
  // The grammar reads a sign glued to a number as part of it: `-1` is one literal, `- 1` two tokens.
  if ((before === 45 || before === 43) && ((after >= 48 && after <= 57) || after === 46)) return true;
  if (SEPARATORS.has(String.fromCharCode(before)) || SEPARATORS.has(String.fromCharCode(after))) return false;
  return wordish(before) === wordish(after);
}

/** Quotes count as word characters: `L "x"` is not `L"x"`. */
function wordish(c: number): boolean {
  return isWordChar(c) || c === 34 || c === 39;
}

/**
 * `t` without its comments, each left as one blank (string and character literals kept as they
 * are, a comment's marks inside them included): a lvalue written with a comment inside names
 * what it names without one, as the cache key (tokenText()) reads it.
 */
export function withoutComments(t: string): string {
  let out = '';
  let from = 0;
  for (const [start, end] of commentRanges(t)) {
    out += `${t.slice(from, start)} `;
    from = end;
  }
  return out + t.slice(from);
}

/** Where `t`'s comments are, [start, end) in order (string and character literals skipped). */
export function commentRanges(t: string): [number, number][] {
  const out: [number, number][] = [];
  if (!t.includes('/')) return out;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < t.length && t[j] !== c && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '/' && (t[i + 1] === '*' || t[i + 1] === '/')) {
      let end: number;
      if (t[i + 1] === '*') {
        const close = t.indexOf('*/', i + 2);
        end = close < 0 ? t.length : close + 2;
      } else {
        end = i;
        while (end < t.length && t[end] !== '\n') end += t[end] === '\\' ? 2 : 1;
      }
      out.push([i, end]);
      i = end - 1;
    }
  }
  return out;
}
