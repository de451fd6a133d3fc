// How long the server takes from an edit to the diagnostics that answer it, measured inside
// the server: from the change notification (before the reparse) to the answer of the first
// pull after it. What a client measures adds the two pipe hops and the scheduling of two
// processes; the status command reports this part alone, per open document.

/** Samples kept per document: the latest edits (a long session does not grow the list). */
const KEPT = 1000;

export interface LatencySummary {
  edits: number;
  p50: number;
  p95: number;
  max: number;
}

export class EditLatency {
  private readonly pending = new Map<string, number>();
  private readonly samples = new Map<string, number[]>();

  /** A change to `uri` arrived at `at` (ms); a later change before any answer replaces it. */
  changed(uri: string, at: number): void {
    this.pending.set(uri, at);
  }

  /** Diagnostics for the current text of `uri` were answered at `at`. */
  answered(uri: string, at: number): void {
    const from = this.pending.get(uri);
    if (from === undefined) return;
    this.pending.delete(uri);
    let list = this.samples.get(uri);
    if (!list) this.samples.set(uri, (list = []));
    list.push(at - from);
    if (list.length > KEPT) list.splice(0, list.length - KEPT);
  }

  /** The document was closed: its samples go with it. */
  forget(uri: string): void {
    this.pending.delete(uri);
    this.samples.delete(uri);
  }

  /** Per document with at least one answered edit: count, median, 95th percentile and maximum (ms, 0.01). */
  summary(): Map<string, LatencySummary> {
    const out = new Map<string, LatencySummary>();
    for (const [uri, list] of this.samples) {
      if (!list.length) continue;
      const sorted = [...list].sort((a, b) => a - b);
      out.set(uri, { edits: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted[sorted.length - 1] as number) });
    }
    return out;
  }
}

/** The percentile of an ascending list as the bench computes its own (scripts/bench/util.mjs), so the two compare. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
