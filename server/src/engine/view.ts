// The model's view of a call on one path: what contracts may ask (argument values as
// addresses, strings, DAX targets, the tree).

import { CallSite, DEFAULT_SYMBOLIC_SIZE, ModelView, UNKNOWN, Value, symbolicStart } from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import type { EngineContext } from './context.js';
import { lvalueKey } from './lvalue.js';
import type { PathState } from './state.js';

export function makeView(st: PathState, call: CallSite, argNodes: SNode[], ctx: EngineContext): ModelView {
  return {
    field: (i, name) => {
      const a = argNodes[i];
      if (!a) return UNKNOWN;
      const key = a.type === 'pointer_expression' && a.children[0]?.text === '&' && a.child('argument')
        ? `${lvalueKey(a.child('argument') as SNode)}.${name}` : `${lvalueKey(a)}->${name}`;
      return st.bindings.get(key) ?? UNKNOWN;
    },
    tree: () => st.world.tree,
    resource: (v, text) => {
      if (text.replace(/\s+/g, '') === '&iomem_resource') return st.world.tree.root;
      return v.k === 'ptr' && v.obj.kind === 'resource' ? st.world.resolve('owner', v.obj.h) : undefined;
    },
    daxTarget: (v) => {
      if (v.k === 'ptr' && v.obj.kind === 'dax') return { h: v.obj.h };
      if (v.k === 'null' || (v.k === 'int' && v.v === 0n)) return { null: true };
      if (v.k === 'errptr') return v.code === undefined ? { errptr: true } : { errptr: true, code: v.code };
      return undefined;
    },
    memHandle: (v) => (v.k === 'ptr' && v.obj.kind === 'mem' ? v.obj.h : undefined),
    pageHandle: (v) => (v.k === 'ptr' && v.obj.kind === 'page' ? v.obj.h : undefined),
    lvalue: (i) => (argNodes[i] ? lvalueKey(argNodes[i] as SNode) : ''),
    profile: ctx.profile,
    resourceHandle: (v) => (v.k === 'ptr' && v.obj.kind === 'resource' ? v.obj.h : undefined),
    concrete: (v, role) => concrete(st, v, role, ctx),
    stringArg: (i) => {
      const t = call.argText[i]?.trim();
      if (!t) return undefined;
      const lit = /^"((?:[^"\\]|\\.)*)"$/.exec(t);
      if (lit) return lit[1];
      return ctx.facts.strings.get(t);
    },
  };
}

/** A concrete address or size: the constant, or the placement this path chose for it. */
function concrete(st: PathState, v: Value, role: 'start' | 'size', ctx: EngineContext): bigint | undefined {
  if (v.k === 'int') return v.v;
  if (v.k !== 'sym') return undefined;
  const known = st.placements.get(v.key);
  if (known !== undefined) return known;
  let addr: bigint;
  if (role === 'size') addr = DEFAULT_SYMBOLIC_SIZE;
  else {
    const starts = [...st.placements.keys()].filter((k) => k.startsWith('start:')).length;
    addr = symbolicStart(ctx.layout, starts);
    st.placements.set(`start:${v.key}`, addr);
  }
  st.placements.set(v.key, addr);
  return addr;
}
