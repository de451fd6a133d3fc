// The registry of rules. A rule not listed here does not exist.

import devmManualRelease from './devm-manual-release.js';
import resourceBusyWindow from './resource-busy-window.js';
import resourceFlagsClobber from './resource-flags-clobber.js';
import resourceFreeRegionHotplug from './resource-free-region-hotplug.js';
import resourceIntersectsToctou from './resource-intersects-toctou.js';
import resourceLeak from './resource-leak.js';
import resourceUnwindForeign from './resource-unwind-foreign.js';
import type { Rule } from './rule.js';

export const RULES = [
  resourceBusyWindow,
  resourceFlagsClobber,
  resourceUnwindForeign,
  resourceFreeRegionHotplug,
  resourceIntersectsToctou,
  resourceLeak,
  devmManualRelease,
] as const satisfies readonly Rule[];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));

export type { Rule, RuleMeta, RawFinding, Severity } from './rule.js';
