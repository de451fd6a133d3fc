// A mode that tests turn on around a call, to compare the fast path of the analysis with the
// plain one it stands for (explore.ts's walks without shortcuts, facts.ts's entries with every
// caller walked). Counted, so that calls may nest.

export class ModeSwitch {
  private depth = 0;

  get on(): boolean {
    return this.depth > 0;
  }

  /** Runs `fn` with the mode on. */
  during<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}
