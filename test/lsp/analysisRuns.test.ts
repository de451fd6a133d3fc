// AnalysisRuns: analyses in slices that stop when nobody waits, when the text changes (the key
// changes or the document is aborted) and at shutdown; cancellation answers at once.

import { describe, expect, it } from 'vitest';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { emptyAnalysis, type FileAnalysis } from '../../server/src/analysis/finding';
import { AnalysisRuns } from '../../server/src/lsp/analysisRuns';

/** A fake analysis of `n` functions, each busy for `ms`; counts the functions it walked. */
function slow(n: number, ms: number, walked: { count: number }): () => Generator<string, FileAnalysis, void> {
  return function* () {
    for (let i = 0; i < n; i++) {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* busy, like a function's walk */ }
      walked.count++;
      yield `f${i}`;
    }
    const a = emptyAnalysis();
    a.analyzed = n;
    return a;
  };
}

describe('AnalysisRuns', () => {
  it('completes, and shares one run between the requests that wait for the same key', async () => {
    const runs = new AnalysisRuns();
    const walked = { count: 0 };
    const [a, b] = await Promise.all([runs.analysis('u', 'k1', slow(10, 5, walked)), runs.analysis('u', 'k1', slow(10, 5, walked))]);
    expect(a?.analyzed).toBe(10);
    expect(b).toBe(a);
    expect(walked.count).toBe(10);
    expect(runs.active).toBe(0);
  });

  it('takes a run that ends within its first slice off the list (the status said one was still running)', async () => {
    const runs = new AnalysisRuns();
    const walked = { count: 0 };
    expect((await runs.analysis('u', 'k', slow(2, 0, walked)))?.analyzed).toBe(2);
    expect(runs.active).toBe(0);
    // And a later run of the document is a run of its own.
    expect((await runs.analysis('u', 'k2', slow(3, 0, walked)))?.analyzed).toBe(3);
    expect(walked.count).toBe(5);
    expect(runs.active).toBe(0);
  });

  it('lets other work run between slices', async () => {
    const runs = new AnalysisRuns();
    const order: string[] = [];
    const p = runs.analysis('u', 'k', slow(20, 5, { count: 0 })).then(() => order.push('analysis'));
    setImmediate(() => order.push('other request'));
    await p;
    expect(order).toEqual(['other request', 'analysis']);
  });

  it('rejects a cancelled request with RequestCancelled, and stops the run nobody waits for', async () => {
    const runs = new AnalysisRuns();
    const walked = { count: 0 };
    const source = new CancellationTokenSource();
    const p = runs.analysis('u', 'k', slow(200, 5, walked), source.token);
    setTimeout(() => source.cancel(), 30);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError<void>).code).toBe(LSPErrorCodes.RequestCancelled);
    await new Promise((r) => setTimeout(r, 50));
    expect(walked.count).toBeLessThan(200);
    expect(runs.active).toBe(0);
  });

  it('aborts the run of older text when a newer key is asked for', async () => {
    const runs = new AnalysisRuns();
    const old = { count: 0 };
    const first = runs.analysis('u', 'v1', slow(200, 5, old));
    await new Promise((r) => setTimeout(r, 30));
    const second = await runs.analysis('u', 'v2', slow(3, 1, { count: 0 }));
    expect(await first).toBeUndefined();
    expect(second?.analyzed).toBe(3);
    expect(old.count).toBeLessThan(200);
  });

  it('aborts on abort() (edit, close) and on stopAll() (shutdown), and starts nothing after shutdown', async () => {
    const runs = new AnalysisRuns();
    const p = runs.analysis('u', 'k', slow(200, 5, { count: 0 }));
    setTimeout(() => runs.abort('u'), 20);
    expect(await p).toBeUndefined();
    const q = runs.analysis('w', 'k', slow(200, 5, { count: 0 }));
    setTimeout(() => runs.stopAll(), 20);
    expect(await q).toBeUndefined();
    const walked = { count: 0 };
    expect(await runs.analysis('x', 'k', slow(1, 1, walked))).toBeUndefined();
    expect(walked.count).toBe(0);
  });
});
