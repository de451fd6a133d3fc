// Findings as LSP diagnostics: rule id as code, a link to the rule's page, the trace as
// related information.

import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { FileAnalysis, Finding } from '../../analysis/finding.js';
import type { Severity } from '../../rules/rule.js';
import { ruleDocUrl } from '../../version.js';
import type { PointToPosition } from '../positions.js';

const SAME: PointToPosition = (line, col) => ({ line, character: col });

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, uri: string, at: PointToPosition = SAME): Diagnostic {
  return {
    range: { start: at(f.line, f.col), end: at(f.endLine, f.endCol) },
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: 'iomem-lens',
    message: f.message,
    relatedInformation: f.trace.map((t, i) => ({
      location: { uri, range: { start: at(t.line, t.col), end: at(t.line, t.col) } },
      message: `${i + 1}. ${t.actor === 'racer' ? '[racing actor] ' : ''}${t.message}`,
    })),
    data: { rule: f.rule, start: f.start },
  };
}

/**
 * Diagnostics for a document, plus one hint when the analysis was partial or failed. `at` maps
 * the analysis' points to the document's positions (positions.ts).
 */
export function diagnosticsFor(a: FileAnalysis, uri: string, at: PointToPosition = SAME): Diagnostic[] {
  const out = a.findings.map((f) => toDiagnostic(f, uri, at));
  for (const p of a.partial.concat(a.errors)) {
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Hint, source: 'iomem-lens', message: `${p.function}(): ${p.reason}`,
    });
  }
  // Suppression comments that need attention: no reason given, an unknown rule, nothing hidden.
  for (const p of a.silenced?.problems ?? []) {
    out.push({
      range: { start: at(p.line, p.col), end: at(p.line, p.col) },
      severity: DiagnosticSeverity.Hint, source: 'iomem-lens', code: 'suppression', message: p.message,
      ...(p.kind === 'unused' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    });
  }
  return out;
}
