// What the memmap rules share: where a page came from, and what the path knew of its PFN.

import {
  HOTPLUG_ARCH_DIRS, KernelProfile, MachineLayout, MemmapWorld, ZONE_DEVICE_ARCH_DIRS, ZONE_DISCRIMINATORS, archConstants, archDir, archDirOfFile, defaultLayout, devicePool, hex0x,
} from '../../../../model/src/index.js';
import type { Cfg } from '../../cfg/types.js';
import type { LoggedStep } from '../../engine/state.js';
import type { SNode } from '../../syntax/snode.js';

export interface PageOrigin {
  step: LoggedStep;
  pfn: string;
  via: 'pfn_to_page' | 'pfn_to_online_page';
  /** The PFN was computed from a physical address (any PFN), not handed over by a mapping. */
  phys: boolean;
}

/** The pfn_to_page()/pfn_to_online_page() that made page `h`, if the path made it. */
export function pageOrigin(ops: readonly LoggedStep[], h: number): PageOrigin | undefined {
  const step = ops[h];
  if (!step || step.op.kind !== 'pfn_page') return undefined;
  return { step, pfn: step.op.pfn, via: step.op.via, phys: step.op.phys };
}

/** pfn_valid()/pfn_to_online_page() answers the path got for `pfn` before op `before`. */
export function pfnChecks(ops: readonly LoggedStep[], pfn: string, before: number): { valid?: LoggedStep; online?: LoggedStep } {
  const out: { valid?: LoggedStep; online?: LoggedStep } = {};
  ops.slice(0, before).forEach((l) => {
    if (l.op.kind !== 'pfn_check' || l.op.pfn !== pfn || !l.op.result) return;
    if (l.op.how === 'pfn_valid') out.valid = l;
    else out.online = l;
  });
  return out;
}

/**
 * A concrete case on the machine: memory hot-added in the layout's hotplug window, added but
 * not onlined (or onlined, with `online`), as the model sees it.
 */
export function hotplugExample(layout: MachineLayout, profile: KernelProfile, online: boolean): HotplugExample {
  // Callers only read the world (race runs clone it).
  return perLayout(hotplugExamples, layout, `${profile.arch}:${online}`, () => buildHotplugExample(layout, profile, online));
}

/**
 * Built once per layout and key: rules ask at every end state that reads a page, and building
 * the memmap of a layout costs milliseconds (a function with hundreds of end states paid it at
 * each).
 */
function perLayout<T>(cache: WeakMap<MachineLayout, Map<string, T>>, layout: MachineLayout, key: string, build: () => T): T {
  let byKey = cache.get(layout);
  if (!byKey) cache.set(layout, (byKey = new Map()));
  let v = byKey.get(key);
  if (v === undefined) byKey.set(key, (v = build()));
  return v;
}

export interface HotplugExample {
  readonly world: MemmapWorld;
  start: bigint;
  size: bigint;
  pfn: bigint;
  text: string;
}

const hotplugExamples = new WeakMap<MachineLayout, Map<string, HotplugExample>>();

/** A concrete ZONE_DEVICE page on the machine: the device pool mapped by memremap_pages() for fs-dax. */
export interface ZoneDeviceExample {
  pfn: bigint;
  /** What PageReserved() answers for it. */
  reserved: boolean;
  /** The type of the pagemap get_dev_pagemap() finds for it. */
  pagemap: string | undefined;
}

const zoneDeviceExamples = new WeakMap<MachineLayout, Map<string, ZoneDeviceExample>>();

export function zoneDeviceExample(layout: MachineLayout, profile: KernelProfile): ZoneDeviceExample {
  return perLayout(zoneDeviceExamples, layout, profile.arch, () => {
    const arch = archConstants(profile.arch);
    const w = MemmapWorld.fromLayout(layout, arch);
    const pool = devicePool(layout).start;
    w.memremapPages(pool, arch.memoryBlockSize, 'fs-dax');
    const pfn = pool >> BigInt(arch.pageShift);
    return { pfn, reserved: w.pageReserved(pfn) === true, pagemap: w.getDevPagemap(pfn)?.type };
  });
}

function buildHotplugExample(layout: MachineLayout, profile: KernelProfile, online: boolean): HotplugExample {
  const arch = archConstants(profile.arch);
  const world = MemmapWorld.fromLayout(layout.hotplugWindows.length ? layout : defaultLayout(), arch);
  const win = layout.hotplugWindows[0] ?? defaultLayout().hotplugWindows[0];
  const start = win ? win.start : 1n << 40n;
  const size = arch.memoryBlockSize;
  world.addMemory(start, size);
  if (online) world.onlinePages(start, size);
  const pfn = start >> BigInt(arch.pageShift);
  return { world, start, size, pfn, text: `PFN ${hex0x(pfn)} (address ${hex0x(start)}, hot-added${online ? ' and onlined' : ', not onlined'})` };
}

export { ZONE_DISCRIMINATORS };

/** Whether the function calls one of `names` anywhere (on paths this one did not take too). */
export function functionCalls(cfg: Cfg, names: ReadonlySet<string>): boolean {
  // Asked at every end state of the function: once per CFG and set of names.
  let byNames = callsCache.get(cfg);
  if (!byNames) callsCache.set(cfg, (byNames = new Map()));
  let found = byNames.get(names);
  if (found === undefined) byNames.set(names, (found = scanCalls(cfg, names)));
  return found;
}

const callsCache = new WeakMap<Cfg, Map<ReadonlySet<string>, boolean>>();

function scanCalls(cfg: Cfg, names: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (n: SNode | undefined): void => {
    n?.walk((c) => {
      if (found || c.type !== 'call_expression') return;
      const fn = c.child('function');
      if (fn?.type === 'identifier' && names.has(fn.text)) found = true;
    });
  };
  for (const n of cfg.nodes) {
    if (found) break;
    if (n.kind === 'eval') visit(n.expr);
    else if (n.kind === 'decl') visit(n.init);
    else if (n.kind === 'branch') visit(n.cond);
    else if (n.kind === 'switch') visit(n.disc);
    else if (n.kind === 'return') visit(n.expr);
  }
  return found;
}

/**
 * Whether memory can be offlined (MEMORY_HOTPLUG) and ZONE_DEVICE exist for the analyzed code:
 * arch code is judged by its own arch (arch/sparc has no memory hotplug whatever the profile
 * says), generic code by the profile's arch and .config.
 */
export function memmapCapabilities(profile: KernelProfile, file: string | undefined): { hotplug: boolean; zoneDevice: boolean } {
  const dir = (file && archDirOfFile(file)) ?? archDir(profile.arch);
  const off = (sym: string): boolean => profile.config?.get(sym) === 'n';
  const hotplug = HOTPLUG_ARCH_DIRS.has(dir) && !off('MEMORY_HOTPLUG');
  return { hotplug, zoneDevice: hotplug && ZONE_DEVICE_ARCH_DIRS.has(dir) && !off('ZONE_DEVICE') };
}
