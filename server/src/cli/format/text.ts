// gcc-style output: `path:line:col: warning: message [rule-id]`, one line per finding; with
// --trace, the trace follows as `note:` lines the way gcc prints context.

import type { CheckReport } from '../report.js';

export function formatText(report: CheckReport, opts: { trace: boolean }): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`${f.file}:${f.line + 1}:${f.col + 1}: ${f.severity}: ${f.message} [${f.rule}]`);
    if (!opts.trace) continue;
    f.trace.forEach((t, i) => {
      const who = t.actor === 'racer' ? ' (racing actor)' : '';
      lines.push(`${f.file}:${t.line + 1}:${t.col + 1}: note: ${i + 1}.${who} ${t.message}`);
    });
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
