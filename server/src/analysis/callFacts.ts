// What the model knew at each modeled call of a function, over the paths that reached it: the
// hovers answer from these ("at this point of the function, memory hotplug is held off", the
// resource tree before and after the call, the dax_device's state on each path).

import {
  DaxOp, DaxWorld, LoggedOp, errnoName, MachineLayout, Resource, describeFlags, hex0x, isDaxOp, isResourceOp, renderIomem, runSchedule,
} from '../../../model/src/index.js';
import type { LoggedStep, PathState } from '../engine/state.js';

export interface CallFact {
  callee: string;
  /** The call expression, as offsets (function-relative in the cache, absolute in results). */
  start: number;
  end: number;
  /** Paths walked through the call, and how many of them held memory hotplug off there. */
  paths: number;
  hotplugHeld: number;
  /** A free-region search: the range it took on the machine layout (first path where it did). */
  picked?: { start: string; end: string };
  /** A resource op: the tree around its region before and after it (first path where it succeeds), /proc/iomem form. */
  tree?: { region: string; before: string; after: string; ok: boolean };
  /** A DAX call: what the device it acts on is after it, and on how many paths. */
  dax?: Record<string, number>;
}

/** One fact per call the analyzed function writes itself (calls inside inlined helpers count at the helper's call). */
export function collectCallFacts(ends: readonly PathState[], layout: MachineLayout): CallFact[] {
  const facts = new Map<string, CallFact>();
  for (const st of ends) {
    let holds = 0;
    const counted = new Set<CallFact>();
    const dax = new DaxWorld();
    st.ops.forEach((l, i) => {
      if (l.op.kind === 'hotplug_hold') holds++;
      else if (l.op.kind === 'hotplug_release') holds = Math.max(0, holds - 1);
      const daxOp = isDaxOp(l.op) ? l.op : undefined;
      if (daxOp) dax.apply(i, daxOp);
      if (l.site.start !== l.at.start || l.callee.startsWith('(')) return;
      const key = `${l.at.start}:${l.callee}`;
      let f = facts.get(key);
      if (!f) facts.set(key, (f = { callee: l.callee, start: l.at.start, end: l.at.end, paths: 0, hotplugHeld: 0 }));
      const first = !counted.has(f);
      if (first) {
        counted.add(f);
        f.paths++;
        // A hold taken by this very call (get_online_mems()) counts as held after it.
        if (holds > 0) f.hotplugHeld++;
        if (daxOp) {
          const state = daxState(dax, daxOp, i);
          f.dax = { ...f.dax, [state]: (f.dax?.[state] ?? 0) + 1 };
        }
      }
      if (l.op.kind === 'free_region' && l.expectOk && !f.picked) {
        const res = st.world.resolve('owner', i);
        if (res) f.picked = { start: hex0x(res.start), end: hex0x(res.end) };
      }
      // The tree of the first path where the call succeeds (a failing request changes nothing).
      if (isResourceOp(l.op) && l.op.kind !== 'lock' && l.op.kind !== 'unlock' && (!f.tree || (!f.tree.ok && l.expectOk))) f.tree = treeAround(st.ops, i, layout) ?? f.tree;
    });
  }
  return [...facts.values()].sort((a, b) => a.start - b.start);
}

/** The tree before and after op `i` of a path (replayed alone on the layout), around its region. */
function treeAround(ops: readonly LoggedStep[], i: number, layout: MachineLayout): CallFact['tree'] {
  const owner: LoggedOp[] = ops.slice(0, i + 1).map((o) => ({ op: o.op, expectOk: o.expectOk }));
  const before = runSchedule(layout.tree, owner, [], owner.slice(0, i).map(() => 'owner'));
  const after = runSchedule(layout.tree, owner, [], owner.map(() => 'owner'));
  const step = after.steps[i];
  const res: Resource | undefined = step?.effect.created ?? targetOf(after, i) ?? targetOf(before, i);
  const op = ops[i]?.op;
  const range = res ? { start: res.start, end: res.end } : op && 'start' in op && 'size' in op && typeof op.start === 'bigint' && typeof op.size === 'bigint'
    ? { start: op.start, end: op.start + op.size - 1n } : undefined;
  if (!range) return undefined;
  const render = (tree: typeof layout.tree): string => renderIomem(tree, {
    window: range, showFlags: (r) => describeFlags(r.flags), mark: (r) => (r.start === range.start && r.end === range.end && (!res || r.id === res.id) ? '◀' : undefined),
  }).trimEnd();
  return { region: `${hex0x(range.start)}-${hex0x(range.end)}`, before: render(before.world.tree), after: render(after.world.tree), ok: step?.effect.ok ?? false };
}

function targetOf(run: ReturnType<typeof runSchedule>, i: number): Resource | undefined {
  const op = run.steps[i]?.op;
  return op && 'target' in op && typeof op.target === 'number' ? run.world.resolve('owner', op.target) : undefined;
}

/** The state of the dax_device a DAX call acts on, after the call. */
function daxState(w: DaxWorld, op: DaxOp, i: number): string {
  if (op.kind === 'dax_alloc_failed') return op.stubNull ? 'NULL (the CONFIG_DAX=n stub)' : `ERR_PTR(${op.code === undefined ? '-errno' : errnoName(op.code)})`;
  if (op.kind === 'dax_remove_host') return 'host removed';
  const t = op.kind === 'dax_alloc' ? { h: i } : op.target;
  if ('null' in t) return 'NULL';
  if ('errptr' in t) return `ERR_PTR(${t.code === undefined ? '-errno' : errnoName(t.code)})`;
  const d = w.devices.get(t.h);
  if (!d) return 'unknown device';
  return `${d.state}${d.hosts.length ? `, DAX host of ${d.hosts.join(', ')}` : ''}`;
}
