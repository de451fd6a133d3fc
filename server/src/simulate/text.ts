// A simulation as text, for the terminal: each step with its actor, source line and the tree
// after it (the focus range only, in /proc/iomem form, changed lines marked).

import type { SimRegion } from './snapshot.js';
import type { Simulation } from './simulate.js';

const overlaps = (r: SimRegion, f: { start: string; end: string } | undefined): boolean =>
  !f || (BigInt(r.end) >= BigInt(f.start) && BigInt(r.start) <= BigInt(f.end));

/** The tree lines in the focus range; changed regions marked `*`, removed ones listed after. */
export function treeLines(regions: readonly SimRegion[], focus: Simulation['focus'], changed: readonly number[] = [], before: readonly SimRegion[] = []): string[] {
  const hex = (s: string): string => BigInt(s).toString(16).padStart(8, '0');
  const lines = regions.filter((r) => overlaps(r, focus)).map((r) => {
    const who = r.owner === 'owner' ? ' (this function)' : r.owner === 'racer' ? ' (another driver)' : '';
    return `${changed.includes(r.id) ? '*' : ' '} ${'  '.repeat(r.depth)}${hex(r.start)}-${hex(r.end)} : ${r.name}  [${r.flags}]${who}`;
  });
  const now = new Set(regions.map((r) => r.id));
  for (const r of before) if (changed.includes(r.id) && !now.has(r.id)) lines.push(`- ${'  '.repeat(r.depth)}${hex(r.start)}-${hex(r.end)} : ${r.name}  (gone)`);
  return lines;
}

export function formatSimulationText(sim: Simulation, file: string): string {
  const out: string[] = [];
  out.push(`${file}: ${sim.function}(): kernel ${sim.kernel} ${sim.arch}, layout "${sim.layout}"${sim.racing ? ', with another driver racing' : ''}`);
  out.push(sim.finding
    ? `playing the path on which ${sim.finding.rule} reports line ${sim.finding.line + 1} (${sim.paths} paths walked)`
    : `no finding: playing the path that does the most (${sim.paths} paths walked)`);
  out.push('', 'before:', ...treeLines(sim.initial, sim.focus).map((l) => `    ${l}`));
  let prev = sim.initial;
  sim.steps.forEach((s, i) => {
    out.push('', `${String(i + 1).padStart(2)}. [${s.actor === 'owner' ? 'this function' : 'another driver'}] ${file}:${s.line + 1}: ${s.message}`);
    if (s.changed.length) out.push(...treeLines(s.regions, sim.focus, s.changed, prev).map((l) => `    ${l}`));
    prev = s.regions;
  });
  out.push('');
  out.push(sim.finding
    ? `result: ${file}:${sim.finding.line + 1}: ${sim.finding.severity}: ${sim.finding.message} [${sim.finding.rule}]`
    : 'result: no finding on this path');
  return `${out.join('\n')}\n`;
}
