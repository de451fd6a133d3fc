// What one analysis run assumes: kernel profile, machine layout, which rules and how loud.

import { type KernelProfile, type MachineLayout, renderIomem } from '../../../model/src/index.js';
import { textHash } from '../textHash.js';
import type { Severity } from '../rules/rule.js';
import type { PublishIndex } from './publish.js';

export interface AnalysisOptions {
  profile: KernelProfile;
  layout: MachineLayout;
  /** Rules to run (ids). */
  rules: ReadonlySet<string>;
  /** Severity per rule id (defaults from each rule's meta). */
  severity: ReadonlyMap<string, Severity>;
  /** Node visits per function before the analysis stops and says it is partial. */
  pathBound: number;
  /** Publications across the workspace or tree (seed 002); absent: only the file's own. */
  publications?: PublishIndex;
  /**
   * false: leave out what the model knew at each call (callFacts.ts). Only hovers read them;
   * the CLI, which has none, saves their replays of the resource tree.
   */
  callFacts?: boolean;
}

/** A key that changes whenever the options would change a result (for caches). */
export function optionsKey(o: AnalysisOptions): string {
  return [
    `${o.profile.version.major}.${o.profile.version.minor}/${o.profile.arch}/${o.profile.config ? configKey(o.profile.config) : ''}`,
    layoutKey(o.layout),
    [...o.rules].sort().join(','),
    [...o.severity].map(([k, v]) => `${k}=${v}`).sort().join(','),
    o.pathBound,
    o.callFacts === false ? 'nocalls' : 'calls',
  ].join('|');
}

const configKeys = new WeakMap<ReadonlyMap<string, string>, string>();

/**
 * The symbols of a tree's .config that the model reads, once per config: a distribution's has
 * some 10,000, and every file's analysis asks (646 per worker in a check of Linux 6.12, one per
 * edit in the editor).
 */
function configKey(config: ReadonlyMap<string, string>): string {
  let k = configKeys.get(config);
  if (k === undefined) configKeys.set(config, (k = [...config].filter(([name]) => /DAX|MEMORY_HOTPLUG|ZONE_DEVICE/.test(name)).map(([name, v]) => `${name}=${v}`).join(',')));
  return k;
}

const layoutKeys = new WeakMap<MachineLayout, string>();

/**
 * What a layout holds, as a hash: its resource tree (flags included) and hotplug windows. Not
 * its name, a dump's file name: two dumps of one name, or one edited in place, are other
 * machines (found in review: the editor kept a result made on the layout before).
 */
function layoutKey(layout: MachineLayout): string {
  let k = layoutKeys.get(layout);
  if (k === undefined) {
    const windows = layout.hotplugWindows.map((w) => `${w.start.toString(16)}-${w.end.toString(16)}`).join(',');
    layoutKeys.set(layout, (k = textHash(`${renderIomem(layout.tree, { showFlags: (r) => `${r.flags}/${r.desc}` })}\n${windows}`)));
  }
  return k;
}
