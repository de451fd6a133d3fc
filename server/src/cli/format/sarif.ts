// SARIF 2.1.0, with each trace as a code flow.

import { RULES } from '../../rules/index.js';
import type { Severity } from '../../rules/rule.js';
import { TOOL_NAME, ruleDocText, toolVersion } from '../../version.js';
import type { CheckReport, FileFinding } from '../report.js';

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function toSarif(report: CheckReport): object {
  return sarifLog(report.findings.map((f) => sarifResult(f)));
}

/** A SARIF log of one run with these results. */
export function sarifLog(results: object[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          // No informationUri or helpUri: the project has no public address, and a file:// one
          // names the machine that ran the check (found in review). The rule's page travels in
          // the log instead, as its help.
          name: TOOL_NAME, version: toolVersion(),
          rules: RULES.map((r) => ({
            id: r.meta.id, shortDescription: { text: r.meta.summary }, ...ruleHelp(r.meta.id, r.meta.summary),
            defaultConfiguration: { level: level(r.meta.defaultSeverity) },
          })),
        },
      },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

/** One finding as a SARIF result; `extra` adds properties (review: baselineState). */
export function sarifResult(f: FileFinding, extra: Record<string, unknown> = {}): object {
  return {
    ruleId: f.rule,
    level: level(f.severity),
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: uri(f.file) },
        region: { startLine: f.line + 1, startColumn: f.col + 1, endLine: f.endLine + 1, endColumn: f.endCol + 1 },
      },
      logicalLocations: [{ name: f.function, kind: 'function' }],
    }],
    codeFlows: f.trace.length ? [{
      threadFlows: [{
        locations: f.trace.map((t) => ({
          location: {
            physicalLocation: { artifactLocation: { uri: uri(f.file) }, region: { startLine: t.line + 1, startColumn: t.col + 1 } },
            message: { text: t.actor === 'racer' ? `(racing actor) ${t.message}` : t.message },
          },
        })),
      }],
    }] : [],
    ...extra,
  };
}

export function formatSarif(report: CheckReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}

/** A rule's help: its summary, and its page as markdown when the page is at hand. */
function ruleHelp(id: string, summary: string): { help: { text: string; markdown?: string } } {
  const page = ruleDocText(id);
  return { help: { text: summary, ...(page ? { markdown: page } : {}) } };
}
