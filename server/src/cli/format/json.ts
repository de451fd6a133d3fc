// JSON output; the schema is documented in the README. Lines and columns are 1-based.

import { TOOL_NAME, toolVersion } from '../../version.js';
import type { CheckReport, FileFinding } from '../report.js';

/** A finding as `check --format json` prints it (`review` too). */
export function findingJson(f: FileFinding): object {
  return {
    rule: f.rule, severity: f.severity, file: f.file, line: f.line + 1, column: f.col + 1,
    endLine: f.endLine + 1, endColumn: f.endCol + 1, function: f.function, message: f.message,
    // Every entry has its column and actor, as the text and SARIF traces do (found in review).
    trace: f.trace.map((t) => ({ file: f.file, line: t.line + 1, column: t.col + 1, message: t.message, actor: t.actor ?? 'owner' })),
  };
}

export function toJson(report: CheckReport): object {
  return {
    tool: { name: TOOL_NAME, version: toolVersion() },
    profile: { kernel: `${report.profile.version.major}.${report.profile.version.minor}`, arch: report.profile.arch },
    findings: report.findings.map(findingJson),
    stats: { files: report.stats.files, parsed: report.stats.parsed, reused: report.stats.reused, skipped: report.stats.skipped, suppressed: report.stats.suppressed, baselined: report.stats.baselined, ms: Math.round(report.stats.ms) },
  };
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(toJson(report), null, 2)}\n`;
}
