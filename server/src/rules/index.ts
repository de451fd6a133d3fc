// The registry of rules. A rule not listed here does not exist.

import daxEopnotsuppFatal from './dax-eopnotsupp-fatal.js';
import daxErrptrStored from './dax-errptr-stored.js';
import daxLifecycle from './dax-lifecycle.js';
import daxNullCheck from './dax-null-check.js';
import daxUnwindUnassigned from './dax-unwind-unassigned.js';
import devmManualRelease from './devm-manual-release.js';
import memmapOnlineStale from './memmap-online-stale.js';
import memmapPfnValidUninit from './memmap-pfn-valid-uninit.js';
import memmapRangeAlign from './memmap-range-align.js';
import memmapReservedZoneDevice from './memmap-reserved-zone-device.js';
import publishUnpaired from './publish-unpaired.js';
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
  daxUnwindUnassigned,
  daxErrptrStored,
  daxNullCheck,
  daxEopnotsuppFatal,
  daxLifecycle,
  publishUnpaired,
  memmapPfnValidUninit,
  memmapOnlineStale,
  memmapRangeAlign,
  memmapReservedZoneDevice,
] as const satisfies readonly Rule[];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));

export type { Rule, RuleMeta, RawFinding, Severity } from './rule.js';
