// publish-unpaired (seed 002): a pointer published to concurrent readers with
// smp_store_release() (or rcu_assign_pointer()/WRITE_ONCE()) and read elsewhere with the
// matching primitive must be read that way everywhere: a plain load that dereferences it, in a
// function with no ordered load of it before, is not ordered after the publisher's stores (and
// may run before the pointer is published). A plain store to a pointer its readers load with
// smp_load_acquire() does not pair either.

import { PAIRS, Publication } from '../analysis/publish.js';
import { siteOf } from '../engine/state.js';
import type { SNode } from '../syntax/snode.js';
import { locksAtLine, locksHeld } from './publish/locks.js';
import { createRule } from './rule.js';

/** Calls whose argument access is ordered (a load or store that pairs). */
const ORDERED = /^(?:READ_ONCE|WRITE_ONCE|smp_load_acquire|smp_store_release|rcu_dereference\w*|rcu_access_pointer|rcu_assign_pointer|rcu_replace_pointer|xchg\w*|cmpxchg\w*|try_cmpxchg\w*)$/;

type Access = 'deref' | 'store' | 'ordered' | 'other';

function classify(id: SNode): Access {
  let addressed = false;
  for (let n: SNode | undefined = id.parent, child = id; n; child = n, n = n.parent) {
    if (n.type === 'argument_list') return ORDERED.test(n.parent?.child('function')?.text ?? '') ? 'ordered' : 'other';
    // `&G` is no load, unless it is the argument of an ordered access (smp_load_acquire(&G)).
    if (n.type === 'pointer_expression' && n.children[0]?.text === '&') {
      addressed = true;
      continue;
    }
    if (addressed) return 'other';
    if (n.type === 'sizeof_expression' || n.type === 'alignof_expression') return 'other';
    if (n.type === 'assignment_expression') return n.child('left') === child && child === id ? 'store' : 'other';
    if (n.type === 'field_expression' && n.child('argument') === child && n.children.some((c) => c.text === '->')) return 'deref';
    if (n.type === 'pointer_expression' && n.children[0]?.text === '*') return 'deref';
    if (n.type === 'subscript_expression' && n.child('argument') === child) return 'deref';
    if (n.type !== 'parenthesized_expression' && n.type !== 'cast_expression') return 'other';
  }
  return 'other';
}

/**
 * The local a plain load is stored into whole (`T *l = G;`, `l = G;`), if any. (Parentheses and
 * casts around the load are looked through, but the raw-text prefilter, plainAccessAt(), lets a
 * function in for such a load only as `= G;`.)
 */
function loadedInto(id: SNode): string | undefined {
  let child = id;
  let n = id.parent;
  while (n && (n.type === 'parenthesized_expression' || n.type === 'cast_expression')) {
    child = n;
    n = n.parent;
  }
  if (n?.type === 'init_declarator' && n.child('value') === child) {
    const d = n.child('declarator');
    return d?.find((c) => c.type === 'identifier')?.text;
  }
  if (n?.type === 'assignment_expression' && n.child('right') === child && n.children.find((c) => c.field === 'operator')?.text === '=') {
    const left = n.child('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  return undefined;
}

const PRIMITIVE: Readonly<Record<Publication['kind'], string>> = {
  release: 'smp_store_release()', rcu: 'rcu_assign_pointer()', once: 'WRITE_ONCE()',
  acquire: 'smp_load_acquire()', read_once: 'READ_ONCE()', rcu_deref: 'rcu_dereference()',
};

/** Whether `offset` lies in an RCU read-side critical section of the function (textually). */
function inReadSide(body: SNode, offset: number): boolean {
  let depth = 0;
  body.walk((c) => {
    if (c.start >= offset) return false;
    if (c.type !== 'call_expression') return;
    const f = c.child('function')?.text ?? '';
    if (/^(?:rcu_read_lock|rcu_read_lock_bh|rcu_read_lock_sched|srcu_read_lock)$/.test(f)) depth++;
    else if (/^(?:rcu_read_unlock|rcu_read_unlock_bh|rcu_read_unlock_sched|srcu_read_unlock)$/.test(f)) depth = Math.max(0, depth - 1);
  });
  // guard(rcu)() and scoped_guard(rcu) hold the read side to the end of the scope.
  return depth > 0 || /\b(?:guard|scoped_guard)\s*\(\s*rcu\s*\)/.test(body.text.slice(0, offset - body.start));
}

/** Calls that make a feature's readers run (and order the stores before them). */
const ENABLES = /\b(?:static_branch_enable|static_branch_enable_cpuslocked|static_key_enable|static_key_enable_cpuslocked)\s*\(/;

const isConstant = (n: SNode | undefined): boolean => !n || /^(?:NULL|0|false|true|-?\d+[uUlL]*)$/.test(n.text.trim());

export default createRule({
  meta: {
    id: 'publish-unpaired',
    defaultSeverity: 'warning',
    seed: '002',
    summary: 'a pointer published with smp_store_release()/rcu_assign_pointer()/WRITE_ONCE() and read with the matching primitive elsewhere, dereferenced after a plain load; or a plain store to a pointer read with smp_load_acquire()',
  },
  checkFile(ctx) {
    // One finding per global and file for plain loads: the first site, the others counted.
    const loads = new Map<string, { site: SNode; fn: string; pub: Publication; reader: Publication; fns: Set<string> }>();
    for (const fn of ctx.functions) {
      // A parameter or local of the same name shadows the global (nx842's `devdata` parameter).
      const locals = new Set<string>(fn.params);
      fn.body.walk((n) => {
        if (n.type !== 'declaration') return;
        for (const d of n.childrenOf('declarator')) {
          const id = d.find((c) => c.type === 'identifier');
          if (id) locals.add(id.text);
        }
      });
      const orderedSeen = new Set<string>();
      /** Whether a lock held at `offset` is held by every publication's store (all in this file). */
      const serialized = (pubs: readonly Publication[], body: SNode, offset: number): boolean => {
        const held = locksHeld(body.text.slice(0, offset - body.start));
        if (!held.size) return false;
        const stores = pubs.filter((p) => p.kind === 'release' || p.kind === 'rcu' || p.kind === 'once');
        return stores.length > 0 && stores.every((p) => {
          const theirs = p.file === ctx.file ? locksAtLine(ctx.source, p.line) : undefined;
          return theirs !== undefined && [...theirs].some((l) => held.has(l));
        });
      };
      /** A plain load of global `name` at `site`, dereferenced (at `deref`, the same node or a local holding it). */
      const plainDeref = (name: string, pubs: readonly Publication[], site: SNode, deref: SNode): void => {
        const pub = pubs.find((p) => (p.kind === 'release' || p.kind === 'rcu' || p.kind === 'once') && p.pointer);
        const reader = pub && pubs.find((p) => (PAIRS[pub.kind as 'release'] as readonly string[]).includes(p.kind));
        // An RCU-published pointer is read plainly by its updaters, serialized by their own lock
        // (RCU's update side); only a read-side critical section must use rcu_dereference().
        if (pub?.kind === 'rcu' && !pubs.some((p) => p.kind === 'release' || p.kind === 'once') && !inReadSide(fn.body, deref.start)) return;
        // Under the lock every publisher in this file holds at its store, the load cannot race one.
        if (pub && serialized(pubs, fn.body, deref.start)) return;
        // The publisher's own function orders its reads by program order.
        if (!pub || !reader || new RegExp(`\\b(?:smp_store_release\\(\\s*&|rcu_assign_pointer\\(|WRITE_ONCE\\()\\s*${name}\\b`).test(fn.text)) return;
        const seen = loads.get(name);
        if (seen) seen.fns.add(fn.name);
        else loads.set(name, { site, fn: fn.name, pub, reader, fns: new Set([fn.name]) });
      };
      /**
       * Locals that hold a plain load of a published global (`struct inode *i = G;`): their
       * dereference is the global's (found in review: the rule saw only `G->f`).
       */
      const aliases = new Map<string, { name: string; pubs: readonly Publication[]; site: SNode }>();
      fn.body.walk((n) => {
        // A local given another value no longer holds the load: assigned, declared again (a
        // block's own), or handed to a call, which may write it (`&i`, or a macro's argument).
        if (n.type === 'assignment_expression' && n.child('left')?.type === 'identifier') aliases.delete(n.child('left')?.text ?? '');
        if (n.type === 'init_declarator') aliases.delete(n.child('declarator')?.find((c) => c.type === 'identifier')?.text ?? '');
        if (n.type === 'argument_list') for (const a of n.namedChildren) aliases.delete((a.type === 'pointer_expression' ? a.child('argument') : a)?.text ?? '');
        if (n.type !== 'identifier') return;
        const alias = aliases.get(n.text);
        if (alias && classify(n) === 'deref' && !orderedSeen.has(alias.name)) plainDeref(alias.name, alias.pubs, alias.site, n);
        if (locals.has(n.text)) return;
        const pubs = ctx.publications.lookup(n.text, ctx.file);
        if (!pubs.length) return;
        const access = classify(n);
        if (access === 'ordered') orderedSeen.add(n.text);
        if (access === 'other') {
          const holder = loadedInto(n);
          if (holder) aliases.set(holder, { name: n.text, pubs, site: n });
        }
        if (access === 'deref' && !orderedSeen.has(n.text)) {
          plainDeref(n.text, pubs, n, n);
        } else if (access === 'store') {
          const acq = pubs.find((p) => p.kind === 'acquire');
          if (!acq || isConstant(n.parent?.child('right'))) return;
          // Readers that only run once a static key is enabled later in this function are
          // published by that step (init_page_owner(): the store, then static_branch_enable()).
          if (ENABLES.test(fn.body.text.slice(n.end - fn.body.start))) return;
          ctx.report({
            function: fn.name, site: siteOf(n.parent ?? n),
            message: `${n.text} is read with smp_load_acquire() (${acq.file}:${acq.line + 1}), which pairs only with smp_store_release(): ` +
              `this plain store can make the pointer visible before the data it points to. Publish with smp_store_release(&${n.text}, ...)`,
            trace: [{ site: siteOf(n), message: `plain store to ${n.text}` }],
          });
        }
      });
    }
    for (const [name, l] of loads) {
      const others = [...l.fns].filter((f) => f !== l.fn);
      ctx.report({
        function: l.fn, site: siteOf(l.site),
        message: `${name} is published with ${PRIMITIVE[l.pub.kind]} (${l.pub.file}:${l.pub.line + 1}) and read with ${PRIMITIVE[l.reader.kind]} ` +
          `(${l.reader.file}:${l.reader.line + 1}), but dereferenced here after a plain load: nothing in this function orders the load ` +
          `after the stores the publisher made (only a path that cannot run before publication, such as a callback registered after it, ` +
          `would make it safe), so it may see NULL or stale data before publication, and the compiler may tear or refetch it. Use ${PRIMITIVE[l.reader.kind]} ` +
          `(READ_ONCE() suffices when the value is only dereferenced)` +
          (others.length ? `; ${others.length} more function${others.length > 1 ? 's' : ''} of this file do the same (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''})` : ''),
        trace: [{ site: siteOf(l.site), message: `plain load of ${name}, then a dereference` }],
      });
    }
  },
});
