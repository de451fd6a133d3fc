// Builds a CFG from a function body: if/else, loops (including kernel for_each-style macro
// loops), switch with fallthrough, goto/label, break/continue, early return, and the kernel
// macro shapes tree-sitter cannot parse cleanly (scoped_guard blocks, `__free()` declarations).

import type { SNode } from '../syntax/snode.js';
import { ResolvedGoto, markGotoLoops } from './gotoLoops.js';
import { Cfg, CfgEdge, CfgNode } from './types.js';
import { withoutComments } from '../syntax/tokens.js';

type NodeInit = CfgNode extends infer N ? N extends CfgNode ? Omit<N, 'id'> : never : never;

/** Every field any kind of node has, each optional. */
type AnyNodeFields = { [K in keyof CfgNode | 'expr' | 'cond' | 'disc' | 'name' | 'init' | 'node' | 'cleanup' | 'typeText' | 'loop' | 'arms' | 'body' | 'stay' | 'names']?: unknown };

/**
 * A node with every field of every kind (those of other kinds undefined), in one order: all
 * nodes then share one object shape, and the walk's reads of `kind`, `expr` or `cond` at each
 * visit stay monomorphic. With a shape per kind and per optional field (a dozen), V8 compiled
 * those reads for the shapes seen first and threw the code away at each new one.
 */
function nodeOf(n: NodeInit, id: number): CfgNode {
  const f = n as AnyNodeFields;
  return {
    id, kind: n.kind, expr: f.expr, cond: f.cond, disc: f.disc, name: f.name, init: f.init, node: f.node, cleanup: f.cleanup,
    typeText: f.typeText, loop: f.loop, arms: f.arms, body: f.body, stay: f.stay, names: f.names,
  } as CfgNode;
}

/** Macro names whose following block runs repeatedly (list_for_each_entry, xa_for_each, ...). */
export function isLoopMacro(name: string): boolean {
  return /for_each|foreach|_each_|while_each|^for_\w+/.test(name);
}

/** Macros that wrap a block executed once (lock guards). */
function isOnceMacro(name: string): boolean {
  return /^scoped_(cond_)?guard$|^scoped_\w+|guard/.test(name);
}

const CLEANUP_DECL = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*__free\s*\(\s*([A-Za-z_]\w*)\s*\)/;

class Builder {
  readonly nodes: CfgNode[] = [];
  readonly succ: CfgEdge[][] = [];
  private readonly labels = new Map<string, number>();
  private readonly gotos: { from: number; label: string; stmt: SNode }[] = [];
  /** The branch node of each `if` statement (a goto loop's exit is taken there). */
  private readonly ifBranches = new Map<SNode, number>();
  private readonly breakTargets: number[] = [];
  private readonly continueTargets: number[] = [];
  private loopCount = 0;
  readonly errors: { start: number; end: number }[] = [];
  readonly exit: number;

  constructor() {
    this.add({ kind: 'entry' });
    this.exit = this.add({ kind: 'exit' });
  }

  add(n: NodeInit): number {
    const id = this.nodes.length;
    this.nodes.push(nodeOf(n, id));
    this.succ.push([]);
    return id;
  }

  edge(from: number | undefined, to: number, extra: Omit<CfgEdge, 'to'> = {}): void {
    if (from === undefined) return;
    // One shape for every edge, as for nodes (nodeOf()).
    this.succ[from]?.push({ to, cond: extra.cond, caseValue: extra.caseValue, back: extra.back });
  }

  /** Wires the statements of a block after `from`; returns the open end (undefined if none). */
  block(stmts: SNode[], from: number | undefined): number | undefined {
    let cur = from;
    const declared: string[] = [];
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i] as SNode;
      const next = stmts[i + 1];
      // `macro(args) { ... }` parses as a call statement missing its ';' and a block.
      const macro = macroHead(s);
      if (macro && next?.type === 'compound_statement') {
        cur = this.macroBlock(macro, s, next, cur);
        i++;
        continue;
      }
      // `T *p __free(fn) = init;` sometimes parses as a declaration missing ';' followed by
      // an expression statement `__free(fn) = init;`.
      if (s.type === 'declaration' && next && isFreeAssignment(next)) {
        cur = this.cleanupDecl(s, next, cur, declared);
        i++;
        continue;
      }
      cur = this.stmt(s, cur, declared);
    }
    if (declared.length && cur !== undefined) {
      const end = this.add({ kind: 'scope_end', names: declared });
      this.edge(cur, end);
      cur = end;
    }
    return cur;
  }

  private macroBlock(name: string, head: SNode, body: SNode, from: number | undefined): number | undefined {
    const call = head.namedChildren[0] as SNode;
    const pre = this.add({ kind: 'eval', expr: call });
    this.edge(from, pre);
    if (isOnceMacro(name) || !isLoopMacro(name)) return this.stmt(body, pre, []);
    return this.loop(pre, body, undefined, call);
  }

  private cleanupDecl(decl: SNode, assign: SNode, from: number | undefined, declared: string[]): number | undefined {
    const m = CLEANUP_DECL.exec(withoutComments(`${decl.text} ${assign.text}`));
    const nameNode = lastIdentifier(decl);
    const right = assign.namedChildren[0]?.child('right');
    const name = m?.[1] ?? nameNode ?? '?';
    const n = this.add({ kind: 'decl', name, node: decl, typeText: typeText(decl), ...(right ? { init: right } : {}), ...(m?.[2] ? { cleanup: m[2] } : {}) });
    this.edge(from, n);
    declared.push(name);
    return n;
  }

  stmt(s: SNode, from: number | undefined, declared: string[]): number | undefined {
    switch (s.type) {
      case 'compound_statement':
        return this.block(s.namedChildren, from);
      case 'expression_statement': {
        const e = s.namedChildren[0];
        if (!e) return from;
        const n = this.add({ kind: 'eval', expr: e });
        this.edge(from, n);
        return n;
      }
      case 'declaration':
        return this.declaration(s, from, declared);
      case 'if_statement': {
        const cond = unparen(s.child('condition'));
        if (!cond) return this.stmt(s.child('consequence') ?? s, from, declared);
        const consequence = s.child('consequence');
        const alternative = s.child('alternative');
        const b = this.add({ kind: 'branch', cond, arms: { ...(consequence ? { then: consequence } : {}), ...(alternative ? { else: alternative } : {}) } });
        this.ifBranches.set(s, b);
        this.edge(from, b);
        const thenStart = this.add({ kind: 'join' });
        this.edge(b, thenStart, { cond: true });
        const thenEnd = this.stmtOrNothing(s.child('consequence'), thenStart);
        const alt = s.child('alternative');
        const elseStart = this.add({ kind: 'join' });
        this.edge(b, elseStart, { cond: false });
        const elseEnd = alt ? this.stmtOrNothing(alt.type === 'else_clause' ? alt.namedChildren[0] : alt, elseStart) : elseStart;
        return this.merge([thenEnd, elseEnd]);
      }
      case 'while_statement': {
        const cond = unparen(s.child('condition'));
        return this.loop(from, s.child('body'), cond, undefined);
      }
      case 'for_statement': {
        let cur = from;
        const init = s.child('initializer');
        if (init) cur = init.type === 'declaration' ? this.declaration(init, cur, declared) : this.evalNode(init, cur);
        return this.loop(cur, s.child('body'), s.child('condition'), s.child('update'));
      }
      case 'do_statement': {
        const loop = this.loopCount++;
        const start = this.add({ kind: 'join' });
        this.edge(from, start);
        const after = this.add({ kind: 'join' });
        const condNode = unparen(s.child('condition'));
        const check = condNode ? this.add({ kind: 'branch', cond: condNode, loop, body: s.child('body') }) : this.add({ kind: 'join' });
        this.breakTargets.push(after);
        this.continueTargets.push(check);
        const end = this.stmtOrNothing(s.child('body'), start);
        this.breakTargets.pop();
        this.continueTargets.pop();
        this.edge(end, check);
        if (condNode) {
          this.edge(check, start, { cond: true, back: loop });
          this.edge(check, after, { cond: false });
        } else {
          this.edge(check, after);
        }
        return after;
      }
      case 'switch_statement':
        return this.switchStmt(s, from);
      case 'return_statement': {
        const expr = s.namedChildren[0];
        const n = this.add({ kind: 'return', node: s, ...(expr ? { expr } : {}) });
        this.edge(from, n);
        this.edge(n, this.exit);
        return undefined;
      }
      case 'goto_statement': {
        const label = s.child('label')?.text ?? s.namedChildren[0]?.text ?? '';
        if (from !== undefined) this.gotos.push({ from, label, stmt: s });
        return undefined;
      }
      case 'labeled_statement': {
        const name = s.child('label')?.text ?? '';
        const l = this.add({ kind: 'label', name, node: s });
        this.labels.set(name, l);
        this.edge(from, l);
        const inner = s.namedChildren.filter((c) => c.field !== 'label');
        return this.block(inner, l);
      }
      case 'break_statement': {
        const t = this.breakTargets[this.breakTargets.length - 1];
        if (t !== undefined) this.edge(from, t);
        return undefined;
      }
      case 'continue_statement': {
        // To the loop's latch (its condition, in a do-while): the edge from there back to the
        // head is the loop's back edge. Marked too, a path that took `continue` had used its
        // pass twice and never got back to the head (found in review: a leak after
        // `for (...) { if (busy()) continue; break; }` was missed).
        const t = this.continueTargets[this.continueTargets.length - 1];
        if (t !== undefined) this.edge(from, t);
        return undefined;
      }
      case 'case_statement':
        // Only reached for a case label outside a switch body (broken code): read it as a block.
        return this.block(s.namedChildren.filter((c) => c.field !== 'value'), from);
      case 'function_definition': {
        // `for_each_populated_zone(zone) { ... }` inside a body parses as an old-style function
        // definition: type `for_each_populated_zone`, declarator `(zone)`. It is a macro block.
        const name = s.child('type')?.text ?? '';
        const body = s.child('body');
        if (!body) return from;
        return isLoopMacro(name) ? this.loop(from, body, undefined, undefined) : this.stmt(body, from, declared);
      }
      case 'ERROR':
        this.errors.push({ start: s.start, end: s.end });
        return this.block(s.namedChildren.filter(isStatementLike), from);
      case ';':
      case 'empty_statement':
      case 'preproc_call':
      case 'type_definition':
        return from;
      default:
        if (s.type.startsWith('preproc_')) {
          // `#ifdef` inside a body: read the first branch's statements, as the default config.
          return this.block(s.namedChildren.filter(isStatementLike), from);
        }
        if (isExpression(s)) return this.evalNode(s, from);
        return from;
    }
  }

  private stmtOrNothing(s: SNode | undefined, from: number): number | undefined {
    return s ? this.stmt(s, from, []) : from;
  }

  private evalNode(e: SNode, from: number | undefined): number {
    const n = this.add({ kind: 'eval', expr: e });
    this.edge(from, n);
    return n;
  }

  private declaration(s: SNode, from: number | undefined, declared: string[]): number | undefined {
    const tText = typeText(s);
    let cur = from;
    const cleanup = CLEANUP_DECL.exec(withoutComments(s.text));
    for (const d of s.childrenOf('declarator')) {
      const init = d.type === 'init_declarator' ? d.child('value') : undefined;
      const target = d.type === 'init_declarator' ? d.child('declarator') : d;
      let name = target ? declaratorName(target) : undefined;
      let cl: string | undefined;
      if (cleanup && target && target.text.includes('__free')) {
        name = cleanup[1];
        cl = cleanup[2];
      }
      if (!name) continue;
      if (target?.type === 'function_declarator' && !init) continue; // a prototype
      const n = this.add({ kind: 'decl', name, node: s, typeText: tText, ...(init ? { init } : {}), ...(cl ? { cleanup: cl } : {}) });
      this.edge(cur, n);
      cur = n;
      declared.push(name);
    }
    return cur;
  }

  private loop(from: number | undefined, body: SNode | undefined, cond: SNode | undefined, update: SNode | undefined): number {
    const loop = this.loopCount++;
    const head = cond ? this.add({ kind: 'branch', cond: unparen(cond) ?? cond, loop, body }) : this.add({ kind: 'join' });
    this.edge(from, head);
    const after = this.add({ kind: 'join' });
    const bodyStart = this.add({ kind: 'join' });
    if (cond) {
      this.edge(head, bodyStart, { cond: true });
      this.edge(head, after, { cond: false });
    } else {
      // `for (;;)` or a macro loop: the body may run zero or more times.
      this.edge(head, bodyStart);
      this.edge(head, after);
    }
    const latch = this.add({ kind: 'join' });
    this.breakTargets.push(after);
    this.continueTargets.push(latch);
    const end = this.stmtOrNothing(body, bodyStart);
    this.breakTargets.pop();
    this.continueTargets.pop();
    this.edge(end, latch);
    const upd = update ? this.evalNode(update, latch) : latch;
    this.edge(upd, head, { back: loop });
    return after;
  }

  private switchStmt(s: SNode, from: number | undefined): number {
    const disc = unparen(s.child('condition')) ?? s;
    const sw = this.add({ kind: 'switch', disc });
    this.edge(from, sw);
    const after = this.add({ kind: 'join' });
    this.breakTargets.push(after);
    let cur: number | undefined;
    let hasDefault = false;
    for (const c of s.child('body')?.namedChildren ?? []) {
      if (c.type === 'case_statement') {
        const value = c.child('value');
        const label = this.add({ kind: 'join' });
        this.edge(sw, label, { caseValue: value ?? 'default' });
        if (!value) hasDefault = true;
        this.edge(cur, label); // fallthrough
        cur = this.block(c.namedChildren.filter((x) => x.field !== 'value'), label);
      } else {
        cur = this.stmt(c, cur, []);
      }
    }
    this.breakTargets.pop();
    this.edge(cur, after);
    if (!hasDefault) this.edge(sw, after, { caseValue: 'default' });
    return after;
  }

  private merge(ends: (number | undefined)[]): number | undefined {
    const live = ends.filter((e): e is number => e !== undefined);
    if (live.length === 0) return undefined;
    if (live.length === 1) return live[0];
    const j = this.add({ kind: 'join' });
    for (const e of live) this.edge(e, j);
    return j;
  }

  finish(end: number | undefined): Cfg {
    this.edge(end, this.exit);
    const unresolved: string[] = [];
    const resolved: ResolvedGoto[] = [];
    for (const g of this.gotos) {
      const target = this.labels.get(g.label);
      if (target === undefined) {
        unresolved.push(g.label);
        continue;
      }
      this.edge(g.from, target);
      resolved.push({ from: g.from, target, label: g.label, stmt: g.stmt });
    }
    const cfg: Cfg = { nodes: this.nodes, succ: this.succ, entry: 0, exit: this.exit, unresolvedGotos: unresolved, errors: this.errors };
    this.loopCount = markGotoLoops(cfg, resolved, this.ifBranches, this.loopCount);
    return cfg;
  }
}

function unparen(n: SNode | undefined): SNode | undefined {
  let c = n;
  while (c && c.type === 'parenthesized_expression' && c.namedChildren.length === 1) c = c.namedChildren[0];
  return c;
}

function macroHead(s: SNode): string | undefined {
  if (s.type !== 'expression_statement') return undefined;
  const call = s.namedChildren[0];
  if (!call || call.type !== 'call_expression') return undefined;
  const missingSemi = s.children.some((c) => c.missing) || !s.text.trimEnd().endsWith(';');
  if (!missingSemi) return undefined;
  const fn = call.child('function');
  return fn?.type === 'identifier' ? fn.text : undefined;
}

function isFreeAssignment(s: SNode): boolean {
  const a = s.namedChildren[0];
  return s.type === 'expression_statement' && a?.type === 'assignment_expression' &&
    /^__free\s*\(/.test(a.child('left')?.text ?? '');
}

function typeText(decl: SNode): string {
  return decl.children.filter((c) => c.field === 'type' || c.type === 'type_qualifier' || c.type === 'storage_class_specifier')
    .map((c) => c.text).join(' ');
}

export function declaratorName(d: SNode): string | undefined {
  let c: SNode | undefined = d;
  while (c) {
    if (c.type === 'identifier') return c.text;
    if (c.type === 'ERROR') {
      const id = c.namedChildren.find((x) => x.type === 'identifier');
      if (id) return id.text;
    }
    c = c.child('declarator') ?? c.namedChildren.find((x) => x.type !== 'ERROR' && x.type !== 'type_qualifier');
  }
  return undefined;
}

function lastIdentifier(decl: SNode): string | undefined {
  const d = decl.childrenOf('declarator').at(-1);
  return d ? declaratorName(d) : undefined;
}

function isExpression(n: SNode): boolean {
  return /_expression$|^identifier$|^call_expression$/.test(n.type);
}

function isStatementLike(n: SNode): boolean {
  return /_statement$|^declaration$/.test(n.type) || isExpression(n);
}

export function buildCfg(body: SNode): Cfg {
  const b = new Builder();
  const end = b.stmt(body, 0, []);
  return b.finish(end);
}
