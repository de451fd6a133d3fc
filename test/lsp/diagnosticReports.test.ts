// Result ids of pulled diagnostics: unchanged only for the id last given for the same document
// and the same items; a closed document starts again with a full report.

import { describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticReports } from '../../server/src/lsp/diagnosticReports';

const diag = (line: number): Diagnostic => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, message: 'm', code: 'resource-leak' });

describe('diagnostic reports', () => {
  it('says unchanged for the last id of the same document and items, full otherwise', () => {
    const r = new DiagnosticReports();
    const a = r.report('file:///a.c', [diag(1)], undefined);
    expect(a).toMatchObject({ kind: 'full', items: [diag(1)] });
    const id = (a as { resultId: string }).resultId;
    expect(r.report('file:///a.c', [diag(1)], id)).toEqual({ kind: 'unchanged', resultId: id });
    // Another document never answers for this one's id.
    expect(r.report('file:///b.c', [diag(1)], id)).toMatchObject({ kind: 'full' });
    // A moved finding is a new report, and the old id no longer holds.
    const moved = r.report('file:///a.c', [diag(2)], id);
    expect(moved).toMatchObject({ kind: 'full', items: [diag(2)] });
    expect((moved as { resultId: string }).resultId).not.toBe(id);
    expect(r.report('file:///a.c', [diag(2)], id)).toMatchObject({ kind: 'full' });
  });

  it('reports a closed document in full when it is opened again', () => {
    const r = new DiagnosticReports();
    const id = (r.report('file:///a.c', [], undefined) as { resultId: string }).resultId;
    r.forget('file:///a.c');
    expect(r.report('file:///a.c', [], id)).toMatchObject({ kind: 'full', items: [] });
  });
});
