// The `#define`s of a file's text that the analysis reads as constants (a walk's values, the
// cache key's texts, the constants' hovers).

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n\\]|\\\n|\\.)*)$/gm;

/** DEFINE from a line's start (sticky). */
const DEFINE_AT = new RegExp(DEFINE.source.slice(1), 'my');

/** The file's object-like `#define NAME body` lines, bodies without comments or continuations. */
export function fileDefines(text: string): Map<string, string> {
  const defines = new Map<string, string>();
  // DEFINE's matches, found from each `define` instead of tried at every line's start (a
  // fifth of an edit's analysis that walks nothing, on mm/memory_hotplug.c): the line must
  // hold only blanks and one `#` before it. `end`: a define's continued lines are its own.
  let end = 0;
  for (let i = text.indexOf('define'); i !== -1; i = text.indexOf('define', i + 6)) {
    const start = i < end ? -1 : directiveStart(text, i);
    if (start < end) continue;
    DEFINE_AT.lastIndex = start;
    const m = DEFINE_AT.exec(text);
    if (!m) continue;
    end = start + m[0].length;
    defines.set(m[1] as string, (m[2] as string).replace(/\\\n/g, ' ').replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim());
  }
  return defines;
}

/** Where the line of the directive word at `word` starts, if only blanks and one `#` come before it there; else -1. */
function directiveStart(text: string, word: number): number {
  let j = word - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0 || text[j] !== '#') return -1;
  j--;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  // Line terminators as a multiline `^` knows them.
  return j < 0 || text[j] === '\n' || text[j] === '\r' || text[j] === '\u2028' || text[j] === '\u2029' ? j + 1 : -1;
}
