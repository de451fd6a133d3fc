// gcc-style output: `path:line:col: warning: message [rule-id]`, one line per finding; with
// --trace, the trace follows as `note:` lines the way gcc prints context. Columns count bytes,
// as clang and `gcc -fdiagnostics-column-unit=byte` do and editors' error formats read them
// (vim's %c): the analysis counts UTF-16 units, as LSP and SARIF do, which differ on a line
// with non-ASCII text before the finding (found in review).

import type { CheckReport } from '../report.js';

/** The bytes of 0-based `line` of `file` and their text as the analysis decoded it, when it can be read. */
export type LineText = (file: string, line: number) => { raw: Buffer; text: string } | undefined;

/**
 * The byte offset in `raw` of UTF-16 column `col` of its decoded `text`. A byte that is not
 * UTF-8 (a Latin-1 comment) decodes to one U+FFFD, one unit for three bytes re-encoded: the
 * offset is found in the bytes themselves (found in review: such a line's columns were 2 off).
 */
export function byteColumn(raw: Buffer, text: string, col: number): number {
  const prefix = text.slice(0, col);
  if (!prefix.includes('\uFFFD')) return Buffer.byteLength(prefix, 'utf8');
  for (let b = col; b <= raw.length; b++) if (raw.subarray(0, b).toString('utf8') === prefix) return b;
  return Buffer.byteLength(prefix, 'utf8');
}

export function formatText(report: CheckReport, opts: { trace: boolean; lineText?: LineText }): string {
  const lines: string[] = [];
  const col = (file: string, line: number, utf16: number): number => {
    const l = opts.lineText?.(file, line);
    return (l === undefined ? utf16 : byteColumn(l.raw, l.text, utf16)) + 1;
  };
  for (const f of report.findings) {
    lines.push(`${f.file}:${f.line + 1}:${col(f.file, f.line, f.col)}: ${f.severity}: ${f.message} [${f.rule}]`);
    if (!opts.trace) continue;
    f.trace.forEach((t, i) => {
      const who = t.actor === 'racer' ? ' (racing actor)' : '';
      lines.push(`${f.file}:${t.line + 1}:${col(f.file, t.line, t.col)}: note: ${i + 1}.${who} ${t.message}`);
    });
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A LineText over files read once each (only those with findings are asked about). */
export function fileLines(read: (file: string) => Buffer): LineText {
  const files = new Map<string, Buffer[] | undefined>();
  return (file, line) => {
    if (!files.has(file)) {
      let lines: Buffer[] | undefined;
      try {
        const raw = read(file);
        lines = [];
        for (let from = 0; from <= raw.length;) {
          const nl = raw.indexOf(10, from);
          const end = nl < 0 ? raw.length : nl;
          lines.push(raw.subarray(from, end));
          from = end + 1;
        }
      } catch {
        lines = undefined;
      }
      files.set(file, lines);
    }
    const raw = files.get(file)?.[line];
    return raw === undefined ? undefined : { raw, text: raw.toString('utf8') };
  };
}
