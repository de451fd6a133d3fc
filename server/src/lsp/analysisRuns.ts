// Runs document analyses in slices on the event loop. Between functions a run that has used
// its slice lets the connection read messages: a cancelled request is answered at once, an
// edit aborts the run on the text it replaced (whose syntax tree is about to be deleted), a
// hover is answered from the last result, and shutdown is not kept waiting. One function is
// never split: its time is bounded by the path bound.

import { CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { FileAnalysis } from '../analysis/finding.js';

/** Work done between two looks at the message queue. */
const SLICE_MS = 15;

interface Run {
  /** What the run analyzes: the document version and settings generation. */
  key: string;
  promise: Promise<FileAnalysis | undefined>;
  /** Requests waiting on it; a run nobody waits for any more stops at its next pause. */
  waiters: number;
  aborted: boolean;
}

export class AnalysisRuns {
  private readonly runs = new Map<string, Run>();
  private stopped = false;

  /**
   * Waits for the analysis of `uri` under `key`, starting it with `start` unless a run for the
   * same key is under way. Resolves undefined when the run was aborted (the text changed,
   * shutdown); rejects with RequestCancelled when `token` is cancelled first.
   */
  async analysis(uri: string, key: string, start: () => Generator<string, FileAnalysis, void>, token?: CancellationToken): Promise<FileAnalysis | undefined> {
    if (this.stopped) return undefined;
    let run = this.runs.get(uri);
    if (!run || run.key !== key) {
      if (run) run.aborted = true;
      run = this.start(uri, key, start);
    }
    run.waiters++;
    try {
      return await (token ? untilCancelled(run.promise, token) : run.promise);
    } finally {
      run.waiters--;
    }
  }

  /** Stops the run of a closed document at its next pause. */
  abort(uri: string): void {
    const run = this.runs.get(uri);
    if (run) run.aborted = true;
  }

  /** Shutdown: every run stops at its next pause, and no new one starts. */
  stopAll(): void {
    this.stopped = true;
    for (const run of this.runs.values()) run.aborted = true;
  }

  /** Runs under way (for tests and the log). */
  get active(): number {
    return this.runs.size;
  }

  private start(uri: string, key: string, start: () => Generator<string, FileAnalysis, void>): Run {
    const run: Run = { key, waiters: 0, aborted: false, promise: Promise.resolve(undefined) };
    // Listed before it starts: a run that ends within its first slice ends synchronously, and
    // takes itself off the list then.
    this.runs.set(uri, run);
    run.promise = (async () => {
      const steps = start();
      try {
        let deadline = performance.now() + SLICE_MS;
        for (;;) {
          const r = steps.next();
          if (r.done) return r.value;
          if (performance.now() < deadline) continue;
          await pause();
          if (run.aborted || this.stopped || run.waiters === 0) return undefined;
          deadline = performance.now() + SLICE_MS;
        }
      } finally {
        steps.return(undefined as never);
        if (this.runs.get(uri) === run) this.runs.delete(uri);
      }
    })();
    return run;
  }
}

/**
 * Lets the connection handle what arrived meanwhile. Two hops: the connection reads a message
 * in the poll phase and handles it in a setImmediate() of its own, queued after ours; the
 * second hop runs after it, so a cancel or a shutdown is seen before the next function.
 */
async function pause(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function untilCancelled<T>(p: Promise<T>, token: CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      reject(cancelled());
    });
    p.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e: unknown) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}
