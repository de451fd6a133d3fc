// V8 tiering for a batch run. A whole-tree check is a few seconds of the same analysis code
// in each worker, and each worker compiles it anew. With V8's defaults, `--trace-opt` on one
// thread checking the 714 files a 6.12 check parses counts 598 TurboFan compiles, 80% of their
// time in the first 72 files: `explore()` alone, with its inlined callees, was compiled 10 times
// (40 to 100 ms each) after deopts on shapes not yet seen. Optimizing later (more type feedback
// first) and inlining less per compile makes those compiles fewer and cheaper. Set at run time,
// before the workers start, they gave the times they give on node's command line. Measured on the
// whole Linux 6.12 tree with 2 workers, 4 interleaved runs: CPU 12.4-12.9 -> 11.2-11.7 s, wall
// 7.1-7.5 -> 6.6-6.9 s; the same report.
// Not for the language server: there, latency of the first edits matters more than CPU.

import * as v8 from 'node:v8';

/** V8 flags (V8 11.3 and later accept both). */
export const BATCH_V8_FLAGS: readonly string[] = ['--interrupt-budget=600000', '--max-inlined-bytecode-size-cumulative=200'];

/** Sets BATCH_V8_FLAGS for this process; workers created afterwards inherit them (V8 flags are per process). */
export function tuneJitForBatch(): void {
  for (const flag of BATCH_V8_FLAGS) v8.setFlagsFromString(flag);
}
