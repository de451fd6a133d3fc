// Plain snapshots of tree-sitter subtrees. The analysis works on these, not on live nodes:
// web-tree-sitter nodes die with their tree (trees are deleted explicitly to bound memory),
// and every property read on a live node crosses into wasm.

import { LineStarts, lineOf, lineStarts } from './lines.js';
import { walkWith } from './cursor.js';
import { withoutComments } from './tokens.js';
import type { TSNode } from './parser.js';

export interface Pos {
  line: number; // 0-based
  col: number; // 0-based, UTF-16 units
}

export class SNode {
  readonly children: SNode[] = [];
  parent: SNode | undefined;
  private compact: string | undefined = undefined;
  private ids: readonly string[] | undefined = undefined;

  constructor(
    readonly type: string,
    readonly start: number,
    readonly end: number,
    readonly named: boolean,
    readonly missing: boolean,
    /** Field name in the parent (`left`, `condition`, ...). */
    readonly field: string | undefined,
    private readonly source: { text: string },
    /** Where the source's lines start (shared by every node of a snapshot). */
    private readonly lines: LineStarts,
  ) {}

  // Positions are computed when asked (sites and traces ask; most nodes, punctuation among
  // them, never are): two objects per node less for the garbage collector.
  get startPos(): Pos {
    return posAt(this.lines, this.start);
  }

  get endPos(): Pos {
    return posAt(this.lines, this.end);
  }

  get text(): string {
    return this.source.text.slice(this.start, this.end);
  }

  /**
   * The text without whitespace or comments, kept: the engine names the same nodes by it at
   * every visit (`h./* the device *\/dax` is `h.dax`, as the cache key reads it).
   */
  get compactText(): string {
    if (this.compact === undefined) {
      const t = withoutComments(this.text);
      this.compact = /\s/.test(t) ? t.replace(/\s+/g, '') : t;
    }
    return this.compact;
  }

  /** The identifiers of the subtree in source order, kept (the engine names symbols by them at every visit). */
  get identifiers(): readonly string[] {
    if (this.ids === undefined) {
      const out: string[] = [];
      this.walk((c) => {
        if (c.type === 'identifier') out.push(c.text);
      });
      this.ids = out;
    }
    return this.ids;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get namedChildren(): SNode[] {
    return this.children.filter((c) => c.named);
  }

  child(field: string): SNode | undefined {
    return this.children.find((c) => c.field === field);
  }

  childrenOf(field: string): SNode[] {
    return this.children.filter((c) => c.field === field);
  }

  /** Pre-order walk; `enter` returning false skips the node's children. */
  walk(enter: (n: SNode) => boolean | void): void {
    if (enter(this) === false) return;
    for (const c of this.children) c.walk(enter);
  }

  find(pred: (n: SNode) => boolean): SNode | undefined {
    let found: SNode | undefined;
    this.walk((n) => {
      if (found) return false;
      if (pred(n)) {
        found = n;
        return false;
      }
      return true;
    });
    return found;
  }
}

/** Copies a live subtree into SNodes with one cursor walk (cursor.ts). Comments are left out. */
export function snapshot(node: TSNode, source: { text: string }): SNode {
  // Lines and columns from the offsets: each cursor property is a call into the wasm module,
  // and the positions were two of the eight a node cost. (Rows count '\n' as tree-sitter does;
  // columns are UTF-16 units of the text, as web-tree-sitter's are for a JS string.) The type's
  // name and whether it is named come from the language's tables by type id: one call, where
  // nodeType and nodeIsNamed were one each (and the comment test asked nodeType again).
  const lines = lineStartsFor(source);
  const lang = languageTables(node.tree.language);
  return walkWith(node, (cursor) => {
    const make = (typeId: number, field: string | undefined): SNode => {
      const start = cursor.start();
      const end = cursor.end();
      // A missing node (inserted by error recovery) is empty: only empty nodes are asked.
      return new SNode(lang.type(typeId), start, end, lang.named(typeId), start === end && cursor.missing(), field, source, lines);
    };
    const root = make(cursor.typeId(), undefined);
    const stack: SNode[] = [root];
    if (!cursor.firstChild()) return root;
    for (;;) {
      const parent = stack[stack.length - 1] as SNode;
      const typeId = cursor.typeId();
      // Delimiters are left out unless error recovery inserted them: no analysis reads them,
      // they are a quarter of a function's nodes, and every walk of the copy steps over them.
      if (lang.delimiter(typeId) ? cursor.missing() : lang.type(typeId) !== 'comment') {
        const n = make(typeId, lang.field(cursor.fieldId()));
        n.parent = parent;
        parent.children.push(n);
        if (cursor.firstChild()) {
          stack.push(n);
          continue;
        }
      }
      while (!cursor.nextSibling()) {
        if (!cursor.parent() || stack.length === 1) return root;
        stack.pop();
      }
    }
  });
}

/**
 * A copy of `root`, a snapshot of a text that `source` holds `delta` characters further on:
 * the same nodes, their offsets moved, positions read from `source`'s lines. No call into the
 * wasm module: an edit above a function re-walks it unchanged when a helper it inlines changed,
 * and copying its syntax out of the tree again was a quarter of that walk.
 */
export function relocate(root: SNode, delta: number, source: { text: string }): SNode {
  const lines = lineStartsFor(source);
  const copy = (n: SNode, parent: SNode | undefined): SNode => {
    const c = new SNode(n.type, n.start + delta, n.end + delta, n.named, n.missing, n.field, source, lines);
    c.parent = parent;
    parent?.children.push(c);
    return c;
  };
  const out = copy(root, undefined);
  // Iterative: kernel macros nest expressions deeper than the call stack allows.
  const work: [SNode, SNode][] = [[root, out]];
  for (let w = work.pop(); w; w = work.pop()) {
    const [from, to] = w;
    for (const c of from.children) {
      const made = copy(c, to);
      if (c.children.length) work.push([c, made]);
    }
  }
  return out;
}

interface LanguageTables {
  type(id: number): string;
  named(id: number): boolean;
  field(id: number): string | undefined;
  /** Punctuation that only delimits: brackets, braces, parentheses, commas, semicolons. */
  delimiter(id: number): boolean;
}

const DELIMITERS = new Set(['(', ')', '{', '}', '[', ']', ',', ';']);

type TSLanguage = TSNode['tree']['language'];
const tablesOf = new WeakMap<TSLanguage, LanguageTables>();

/** What a type or field id names, as the cursor's nodeType, nodeIsNamed and currentFieldName say. */
function languageTables(language: TSLanguage): LanguageTables {
  let t = tablesOf.get(language);
  if (t) return t;
  const named: (boolean | undefined)[] = [];
  const delimiters: (boolean | undefined)[] = [];
  t = {
    // As TreeCursor.nodeType: ids without a name (the error symbol) are ERROR.
    type: (id) => language.types[id] || 'ERROR',
    named: (id) => (named[id] ??= language.nodeTypeIsNamed(id)),
    field: (id) => language.fields[id] ?? undefined,
    delimiter: (id) => (delimiters[id] ??= DELIMITERS.has(language.types[id] ?? '') && !language.nodeTypeIsNamed(id)),
  };
  tablesOf.set(language, t);
  return t;
}

/** Line starts per source text (a source object is one analysis' text and never changes). */
const lineStartsOf = new WeakMap<{ text: string }, LineStarts>();

function lineStartsFor(source: { text: string }): LineStarts {
  let ls = lineStartsOf.get(source);
  if (!ls) lineStartsOf.set(source, (ls = lineStarts(source.text)));
  return ls;
}

function posAt(starts: LineStarts, offset: number): Pos {
  const line = lineOf(starts, offset);
  return { line, col: offset - (starts[line] as number) };
}

/** A node and its ancestors around an offset, innermost first, as plain records (for hovers). */
export function ancestryAt(tree: { rootNode: TSNode }, offset: number): { type: string; start: number; end: number }[] {
  const out: { type: string; start: number; end: number }[] = [];
  for (let n: TSNode | null = tree.rootNode.descendantForIndex(offset); n; n = n.parent) out.push({ type: n.type, start: n.startIndex, end: n.endIndex });
  return out;
}
