// Where the analysis stops by design rather than by a bug: said in the tool's words, not as an
// internal error (found in review: a function nested 3,000 blocks deep was reported as
// "internal error ... Maximum call stack size exceeded").

/** A function the analysis cannot follow, with the reason in words a user can act on. */
export class AnalysisLimit extends Error {
  override readonly name = 'AnalysisLimit';
}

/** `err` as an AnalysisLimit when it is one (the call stack ran out), else as it was. */
export function asLimit(err: unknown): unknown {
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new AnalysisLimit('its blocks or expressions nest deeper than the analysis follows; not analyzed');
  }
  return err;
}

/** How a failure of one function reads in a note: a limit as itself, anything else as a bug. */
export function failureNote(fn: string, err: unknown): string {
  if (err instanceof AnalysisLimit) return `${fn}(): ${err.message}`;
  return `internal error analyzing ${fn}(), skipped: ${err instanceof Error ? err.message : String(err)}`;
}
