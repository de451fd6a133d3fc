// Reading C source text as code, for quick fixes that rewrite a few statements: braces, `;`
// and names inside string or character literals and comments are not code (found in review:
// a `}` in a dev_err() format ended a block early, and the fix's assignment landed in the string).

/** Where the literal or comment starting at `i` ends (exclusive), or `i` when none starts there. */
function skipNonCode(t: string, i: number): number {
  const c = t[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < t.length && t[j] !== c && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, t.length);
  }
  if (c === '/' && t[i + 1] === '*') {
    const close = t.indexOf('*/', i + 2);
    return close < 0 ? t.length : close + 2;
  }
  if (c === '/' && t[i + 1] === '/') {
    let j = i;
    while (j < t.length && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
    return j;
  }
  return i;
}

/**
 * Calls `visit` with each offset from `from` on that is code (not inside a literal or a comment),
 * until it returns a value, which is returned.
 */
export function scanCode<T>(t: string, from: number, visit: (i: number, c: string) => T | undefined): T | undefined {
  for (let i = from; i < t.length; i++) {
    const skip = skipNonCode(t, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const r = visit(i, t[i] as string);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** The offset just past the `}` that closes the `{` at `open`, or undefined when none does. */
export function closingBrace(t: string, open: number): number | undefined {
  let depth = 0;
  return scanCode(t, open, (i, c) => (c === '{' ? (depth++, undefined) : c === '}' && --depth === 0 ? i + 1 : undefined));
}

/**
 * The offset just past the `;` that ends the statement starting at `from` (the first `;` outside
 * parentheses, brackets and braces), or undefined when there is none or `from` starts a
 * statement that holds others (`if`, a loop, `switch`, a block, `do`).
 */
export function simpleStatementEnd(t: string, from: number): number | undefined {
  const first = nextWord(t, from);
  if (first === undefined || /^(?:if|else|for|while|do|switch)$/.test(first) || t[codeStart(t, from)] === '{') return undefined;
  let depth = 0;
  // -1: a closer with no opener, the statement's block ends first: no statement of its own.
  const end = scanCode(t, from, (i, c) => {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') return --depth < 0 ? -1 : undefined;
    else if (c === ';' && depth === 0) return i + 1;
    return undefined;
  });
  return end === -1 ? undefined : end;
}

/** The first offset at or after `from` that is neither blank nor comment. */
export function codeStart(t: string, from: number): number {
  let i = from;
  while (i < t.length) {
    if (/\s/.test(t[i] as string)) {
      i++;
      continue;
    }
    const c = t[i];
    if (c !== '/') return i;
    const skip = skipNonCode(t, i);
    if (skip === i) return i;
    i = skip;
  }
  return i;
}

/** The identifier or keyword the code at `from` starts with (after blanks and comments). */
export function nextWord(t: string, from: number): string | undefined {
  return /^[A-Za-z_]\w*/.exec(t.slice(codeStart(t, from), codeStart(t, from) + 64))?.[0];
}

/**
 * `t` with every occurrence of the expression `expr` (a name, a field access such as
 * `fs->dax_dev`) in code replaced by `by`: whole tokens only (`fs->dax` is not the start of
 * `fs->dax_ops`, nor `x` the end of `p->x`), and never inside literals or comments.
 */
export function replaceInCode(t: string, expr: string, by: string): string {
  let out = '';
  let from = 0;
  const isWord = (c: string | undefined): boolean => c !== undefined && /\w/.test(c);
  for (let i = 0; i < t.length; i++) {
    const skip = skipNonCode(t, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    if (!t.startsWith(expr, i)) continue;
    const before = t.slice(Math.max(0, i - 2), i);
    const after = t[i + expr.length];
    const startsWord = isWord(expr[0]) && (isWord(before[1]) || before[1] === '.' || before === '->');
    if (startsWord || (isWord(expr[expr.length - 1]) && isWord(after))) continue;
    out += t.slice(from, i) + by;
    from = i + expr.length;
    i = from - 1;
  }
  return out + t.slice(from);
}
