// What the engine knows about the file and the run while it walks one function's paths.

import type { ConstEnv, KernelProfile, MachineLayout } from '../../../model/src/index.js';
import type { FileFacts } from '../analysis/facts.js';
import type { Site } from './state.js';

export interface Budget {
  /** Work left (node visits, weighted by state size: see visitCost) before the exploration stops and reports a partial analysis. */
  steps: number;
  exhausted: boolean;
}

export interface EngineContext {
  facts: FileFacts;
  consts: ConstEnv;
  profile: KernelProfile;
  layout: MachineLayout;
  budget: Budget;
  /** 0 in the analyzed function, 1 inside an inlined static helper (no deeper inlining). */
  inlineDepth: number;
  /** Name of the function being walked, for traces of inlined helpers. */
  functionName: string;
  /** Inside an inlined helper: the call in the analyzed function that reached it. */
  callSite?: Site;
  /** Names local to the function being walked: writes elsewhere can hand ownership over. */
  locals: ReadonlySet<string>;
  /** Inline depth up to which static helpers are still walked (one level below the analyzed function, or below a cleanup). */
  inlineLimit?: number;
  /** Walking a snippet that is not file text (a DEFINE_FREE() body): its positions are meaningless. */
  snippet?: boolean;
  /**
   * Inside an inlined helper: the prefixes (`s->`) of the fields its pointer parameters reach in
   * the caller's storage. The caller may read them after the call, which the helper's own
   * conditions do not say, so their plain values keep the helper's states apart.
   */
  visible?: readonly string[];
}
