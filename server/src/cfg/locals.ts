// Which names of a function are its own storage (for ownership hand-over questions).

import type { SNode } from '../syntax/snode.js';
import type { Cfg } from './types.js';

/**
 * Locals whose storage is the function's own. A local pointer set from a parameter's or a
 * global's memory (`par = info->par`, `container_of(...)`, `dev_get_drvdata(...)`) is an alias
 * of memory that outlives the call, so it does not count.
 */
export function localNames(cfg: Cfg): Set<string> {
  const declared = new Set(cfg.nodes.flatMap((n) => (n.kind === 'decl' ? [n.name] : [])));
  const aliases = new Set<string>();
  const check = (name: string, init: SNode | undefined): void => {
    if (!init || !declared.has(name)) return;
    if (aliasesOuterMemory(init, declared)) aliases.add(name);
  };
  for (const n of cfg.nodes) {
    if (n.kind === 'decl') check(n.name, n.init);
    else if (n.kind === 'eval' && n.expr.type === 'assignment_expression' && n.expr.child('left')?.type === 'identifier') {
      check(n.expr.child('left')?.text ?? '', n.expr.child('right'));
    }
  }
  for (const a of aliases) declared.delete(a);
  return declared;
}

const OUTER_MEMORY_CALLS = /^(?:container_of|container_of_const|\w*_get_drvdata|netdev_priv|to_\w+|dev_get_platdata|\w+_priv)$/;

function aliasesOuterMemory(init: SNode, locals: ReadonlySet<string>): boolean {
  let e = init;
  while (e.type === 'cast_expression' || e.type === 'parenthesized_expression') e = e.child('value') ?? e.namedChildren[0] ?? e;
  if (e.type === 'call_expression') return OUTER_MEMORY_CALLS.test(e.child('function')?.text ?? '');
  if (e.type === 'field_expression' || e.type === 'subscript_expression' || e.type === 'pointer_expression') {
    const id = e.find((c) => c.type === 'identifier');
    return id !== undefined && !locals.has(id.text);
  }
  return false;
}

