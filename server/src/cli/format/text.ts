// gcc-style output: `path:line:col: warning: message [rule-id]`, one line per finding; with
// --trace, the trace follows as `note:` lines the way gcc prints context. Columns count bytes,
// as clang and `gcc -fdiagnostics-column-unit=byte` do and editors' error formats read them
// (vim's %c): the analysis counts UTF-16 units, as LSP and SARIF do, which differ on a line
// with non-ASCII text before the finding (found in review).

import type { CheckReport } from '../report.js';

/** The text of 0-based `line` of `file`, when it can be read. */
export type LineText = (file: string, line: number) => string | undefined;

export function formatText(report: CheckReport, opts: { trace: boolean; lineText?: LineText }): string {
  const lines: string[] = [];
  const col = (file: string, line: number, utf16: number): number => {
    const text = opts.lineText?.(file, line);
    return (text === undefined ? utf16 : Buffer.byteLength(text.slice(0, utf16), 'utf8')) + 1;
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
export function fileLines(read: (file: string) => string): LineText {
  const files = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!files.has(file)) {
      let lines: string[] | undefined;
      try {
        lines = read(file).split('\n');
      } catch {
        lines = undefined;
      }
      files.set(file, lines);
    }
    return files.get(file)?.[line];
  };
}
