// What the DAX rules share: the argument text of a logged call, and where a function assigns
// an lvalue (on any path).

import type { Cfg } from '../../cfg/types.js';
import { lvalueKey, normalize } from '../../engine/lvalue.js';
import type { LoggedStep, Site } from '../../engine/state.js';
import { siteOf } from '../../engine/state.js';
import { tokenText } from '../../syntax/tokens.js';

/** The text of argument `i` of the call a logged step was made by. */
export function argText(source: string, l: LoggedStep, i: number): string | undefined {
  // Its tokens, as the function's cache key holds them: `kill_dax(/* p->dax */ dax)` names `dax`.
  const call = tokenText(source.slice(l.site.start, l.site.end), { lines: false });
  const open = call.indexOf('(');
  if (open < 0) return undefined;
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let j = from; j < call.length; j++) {
    const ch = call[j];
    if (ch === '"' || ch === "'") {
      // A literal's commas and parentheses are not the call's.
      for (j++; j < call.length && call[j] !== ch; j += call[j] === '\\' ? 2 : 1);
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth-- === 0) {
      args.push(call.slice(from, j));
      break;
    } else if (ch === ',' && depth === 0) {
      args.push(call.slice(from, j));
      from = j + 1;
    }
  }
  return args[i]?.trim();
}

/** Assignments `key = ...` anywhere in the function (statement sites). */
export function assignmentsTo(cfg: Cfg, key: string): Site[] {
  const out: Site[] = [];
  const k = normalize(key);
  for (const n of cfg.nodes) {
    if (n.kind !== 'eval' || n.expr.type !== 'assignment_expression') continue;
    const left = n.expr.child('left');
    if (left && lvalueKey(left) === k) out.push(siteOf(n.expr));
  }
  return out.sort((a, b) => a.start - b.start);
}
