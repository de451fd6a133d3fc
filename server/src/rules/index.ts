// The registry of rules. A rule not listed here does not exist.

import resourceBusyWindow from './resource-busy-window.js';
import type { Rule } from './rule.js';

export const RULES = [
  resourceBusyWindow,
] as const satisfies readonly Rule[];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));

export type { Rule, RuleMeta, RawFinding, Severity } from './rule.js';
