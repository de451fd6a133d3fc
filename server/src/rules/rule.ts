// The rule interface: a rule is a property of the model state at the end of a path. Rules
// are made with createRule() and listed in rules/index.ts.

import type { KernelProfile, MachineLayout } from '../../../model/src/index.js';
import type { Cfg } from '../cfg/types.js';
import type { PathState, Site } from '../engine/state.js';
import type { Publications } from '../analysis/publish.js';
import type { SNode } from '../syntax/snode.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RuleMeta {
  /** Stable id, as in the rule catalogue (DOMAIN.md) and docs/rules/<id>.md. */
  id: string;
  defaultSeverity: Severity;
  /** The mailing-list thread the rule comes from. */
  seed: string;
  /** One line for the rule table and `--list-rules`. */
  summary: string;
}

export interface TraceEntry {
  site: Site;
  message: string;
  /** Set on steps performed by the racing actor of an interleaving. */
  actor?: 'owner' | 'racer';
}

/** A textual edit a quick fix proposes, in offsets of the analyzed text. */
export interface FixEdit {
  start: number;
  end: number;
  newText: string;
}

export interface RawFinding {
  rule: string;
  site: Site;
  message: string;
  trace: TraceEntry[];
  fix?: { title: string; edits: FixEdit[] };
}

export interface PathContext {
  st: PathState;
  /** The analyzed file's text (sites are offsets into it). */
  source: string;
  /** Names local to the analyzed function (storing into them hands nothing over). */
  locals: ReadonlySet<string>;
  /** The analyzed function's CFG (to ask about code a path did not reach). */
  cfg: Cfg;
  layout: MachineLayout;
  profile: KernelProfile;
  functionName: string;
  /** The analyzed file's path (relative to the tree or workspace), when known. */
  file?: string;
  /** The function returns a pointer: NULL or an ERR_PTR is its failure, not a non-zero value. */
  returnsPointer?: boolean;
  /**
   * The calls that tell ZONE_DEVICE pages apart in this file: the kernel's (ZONE_DISCRIMINATORS)
   * and the file's static functions that make one (collectFacts()).
   */
  zoneCheckers?: ReadonlySet<string>;
  report(f: Omit<RawFinding, 'rule'>): void;
}

/** A property of a whole file against a workspace index (seed 002's publication pairing). */
export interface FileContext {
  source: string;
  /** The file's name as the index knows it. */
  file: string;
  functions: readonly { name: string; body: SNode; text: string; params: readonly string[] }[];
  publications: Publications;
  report(f: Omit<RawFinding, 'rule'> & { function: string }): void;
}

export interface Rule {
  meta: RuleMeta;
  checkPath?(ctx: PathContext): void;
  checkFile?(ctx: FileContext): void;
}

export function createRule(rule: Rule): Rule {
  if (!/^[a-z]+(-[a-z0-9]+)+$/.test(rule.meta.id)) throw new Error(`bad rule id ${rule.meta.id}`);
  return rule;
}
