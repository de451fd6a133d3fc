// Hover text is markdown built from workspace text (expressions, string literals, the name of
// a /proc/iomem dump). Markdown lets raw HTML through, so before a hover leaves the server
// every `<` outside code is escaped: what the code says is shown, never rendered as HTML. Code
// spans and fenced blocks are literal in markdown and are left alone.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Escapes `<` outside code spans and fenced code blocks, so no HTML (or autolink) survives. */
export function neutralizeHtml(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const f = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      // A fence closes on a run of the same character at least as long.
      if (f && f[0] === fence[0] && f.length >= fence.length && line.trim() === f) fence = undefined;
      out.push(line);
      continue;
    }
    if (f) {
      fence = f;
      out.push(line);
      continue;
    }
    out.push(escapeOutsideSpans(line));
  }
  return out.join('\n');
}

/** One line: a backtick run opens a code span only if the same run length closes it later on the line. */
function escapeOutsideSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '\\' && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (line[i + n] === '`') n++;
      const close = findRun(line, i + n, n);
      if (close >= 0) {
        out += line.slice(i, close + n);
        i = close + n;
      } else {
        out += line.slice(i, i + n);
        i += n;
      }
      continue;
    }
    out += c === '<' ? '\\<' : c;
    i++;
  }
  return out;
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findRun(line: string, from: number, n: number): number {
  for (let i = from; i < line.length; ) {
    if (line[i] !== '`') {
      i++;
      continue;
    }
    let m = 1;
    while (line[i + m] === '`') m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}
