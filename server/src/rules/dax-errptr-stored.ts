// dax-errptr-stored (seed 004): alloc_dax()'s result stored in a struct field before the
// IS_ERR() check leaves an ERR_PTR in the field on the error path; later cleanups (kill_dax(),
// put_dax()) would dereference it. Silent when the field is reset to NULL on that path
// (dm, dcssblk in 6.1).

import { isLocalKey } from '../engine/lvalue.js';
import type { Site } from '../engine/state.js';
import { closingBrace, codeStart, nextWord, replaceInCode, simpleStatementEnd } from '../syntax/codeScan.js';
import type { FixEdit } from './rule.js';
import { createRule } from './rule.js';

export default createRule({
  meta: {
    id: 'dax-errptr-stored',
    defaultSeverity: 'warning',
    seed: '004',
    summary: 'alloc_dax() result stored in a struct field before the IS_ERR() check: the field keeps an ERR_PTR on the error path',
  },
  checkPath(ctx) {
    const st = ctx.st;
    for (const [key, v] of st.bindings) {
      if (v.k !== 'errptr' || v.src === undefined) continue;
      const failed = st.ops[v.src];
      // The CONFIG_DAX=n stub's value: every DAX call that could get it from the field is a stub too.
      if (!failed || failed.op.kind !== 'dax_alloc_failed' || failed.op.stub) continue;
      // A field of memory that outlives the call: a parameter's struct, a global.
      if (!/->|\./.test(key) || isLocalKey(st, key, ctx.locals)) continue;
      const site = st.lastWrite(key);
      if (!site) continue;
      ctx.report({
        site,
        message: `${ctx.source.slice(site.start, site.end).split('=')[0]?.trim() ?? key} keeps the ERR_PTR alloc_dax() returned on this path: the result is stored in the field before IS_ERR() checks it, ` +
          `and nothing resets the field, so teardown code that tests the field for NULL (kill_dax(), put_dax()) dereferences an error pointer. ` +
          `Store alloc_dax() in a local, check it, then assign the field`,
        ...fixFor(ctx.source, site, ctx.functionName),
        trace: [
          { site: failed.site, message: 'alloc_dax() fails and returns an ERR_PTR' },
          { site, message: 'the ERR_PTR is stored in the field' },
          ...(st.returnSite ? [{ site: st.returnSite, message: 'the function returns with the field still holding it' }] : []),
        ],
      });
    }
  },
});

/**
 * `F = alloc_dax(...); if (IS_ERR(F)) BODY` becomes
 * `dax_dev = alloc_dax(...); if (IS_ERR(dax_dev)) BODY' F = dax_dev;`. Only for that shape.
 */
function fixFor(source: string, site: Site, functionName: string): { fix?: { title: string; edits: FixEdit[] } } {
  const assign = source.slice(site.start, site.end);
  const m = /^([\w>.\-\[\]]+)\s*=\s*(alloc_dax\s*\([\s\S]*\))$/.exec(assign);
  if (!m) return {};
  // Only a statement of its own in a block: after `if (x)` or inside an expression, the
  // declaration the fix writes would not compile (found in review).
  const before = source.slice(Math.max(0, site.start - 4096), site.start).replace(/(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*$/, '');
  const prev = before.slice(-1);
  if (!/^\s*;/.test(source.slice(site.end)) || !(prev === ';' || prev === '{' || prev === '}' || prev === ':') || /\belse$/.test(before)) return {};
  const name = freeName(functionText(source, site.start, functionName));
  // A label takes a statement, not a declaration.
  if (!name || (prev === ':' && name.declare)) return {};
  const field = m[1] as string;
  const semi = source.indexOf(';', site.end);
  const rest = source.slice(semi + 1);
  const esc = field.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  // Whitespace and comments may stand between the assignment and the check.
  const head = new RegExp(`^(?:\\s|/\\*[\\s\\S]*?\\*/|//[^\\n]*)*if\\s*\\(\\s*IS_ERR\\(\\s*${esc}\\s*\\)\\s*\\)`).exec(rest);
  if (!head) return {};
  // The if statement's end: a braced block, or one statement up to its ';' (read as code:
  // braces and semicolons in strings and comments do not count). With an `else`, the field
  // would be assigned between the arms: no fix (found in review).
  const bodyAt = semi + 1 + head[0].length;
  const braced = source[codeStart(source, bodyAt)] === '{';
  const end = braced ? closingBrace(source, codeStart(source, bodyAt)) : simpleStatementEnd(source, bodyAt);
  if (end === undefined || nextWord(source, end) === 'else') return {};
  // An unbraced body ends on the line it starts on: a macro statement without its `;` would
  // take the next statement in (found in review). After the if, a preprocessor line may hold
  // an `else` of its own (`#ifdef X` / `else`): no fix either.
  if (!braced && source.slice(codeStart(source, bodyAt), end).includes('\n')) return {};
  if (source[codeStart(source, end)] === '#') return {};
  const ifText = replaceInCode(source.slice(semi + 1, end), field, name.name);
  const indent = /\n([ \t]*)[^\n]*$/.exec(source.slice(0, site.start))?.[1] ?? '\t';
  // Lines end as the file ends them (found in review: a bare \n in a CRLF file).
  const eol = source.slice(0, site.start).endsWith('\r\n' + indent) || /\r\n/.test(source.slice(site.start, end)) ? '\r\n' : '\n';
  const decl = name.declare ? `struct dax_device *${name.name}` : name.name;
  return {
    fix: {
      title: 'Store alloc_dax() in a local, check it, then assign the field',
      edits: [{ start: site.start, end, newText: `${decl} = ${m[2]};${ifText}${eol}${indent}${field} = ${name.name};` }],
    },
  };
}

/**
 * The local the fix stores into: a `struct dax_device *dax_dev` the function declares, or a name
 * the function does not use (found in review: a parameter named dax_dev was declared again).
 */
function freeName(fnText: string | undefined): { name: string; declare: boolean } | undefined {
  if (fnText === undefined) return undefined;
  if (/\bstruct\s+dax_device\s*\*\s*dax_dev\s*[;=,)]/.test(fnText) && !/[(,]\s*struct\s+dax_device\s*\*\s*dax_dev\s*[,)]/.test(fnText)) {
    return { name: 'dax_dev', declare: false };
  }
  for (const name of ['dax_dev', 'new_dax_dev']) {
    if (!new RegExp(`(?<!->|\\.)\\b${name}\\b`).test(fnText)) return { name, declare: true };
  }
  return undefined;
}

/** The text of the definition of `name` around `at`: from its name to its closing brace. */
function functionText(source: string, at: number, name: string): string | undefined {
  let start = -1;
  for (const m of source.slice(0, at).matchAll(new RegExp(`\\b${name}\\s*\\(`, 'g'))) start = m.index ?? -1;
  const open = start < 0 ? -1 : source.indexOf('{', start);
  if (open < 0 || open > at) return undefined;
  const end = closingBrace(source, open);
  return end === undefined ? undefined : source.slice(start, end);
}
