// Delimiting the functions of a file. Kernel C often parses with ERROR nodes around macros;
// a function definition is still found inside an ERROR region, and a body that tree-sitter
// could not attach to a declarator (macro-defined signatures) is recovered from the brace
// block and the call-like text before it.

import { BoundedMemo, detached, textHash } from '../textHash.js';
import type { Edit, Tree, TSNode } from './parser.js';
import { Cursor, walkWith } from './cursor.js';

export interface FunctionInfo {
  name: string;
  isStatic: boolean;
  /** Offsets of the whole definition, and of the body's braces. */
  start: number;
  end: number;
  bodyStart: number;
  bodyEnd: number;
  /** 0-based line of the definition start and of its name. */
  line: number;
  nameLine: number;
  nameCol: number;
  /** The live node: valid only until its tree is deleted. */
  node: TSNode;
  /** True when found by recovery rather than as a clean function_definition. */
  recovered: boolean;
  /** The function returns a pointer (`struct foo *f(...)`): NULL, not a non-zero value, is its failure. */
  returnsPointer: boolean;
  /** textHash() of the definition's text, when findFunctions() was asked to remember definitions. */
  hash?: string;
}

function declaredName(declarator: TSNode | null): TSNode | undefined {
  let d = declarator;
  while (d) {
    if (d.type === 'identifier' || d.type === 'field_identifier') return d;
    if (d.type === 'function_declarator' || d.type === 'pointer_declarator' || d.type === 'parenthesized_declarator' ||
        d.type === 'attributed_declarator') {
      d = d.childForFieldName('declarator') ?? d.namedChildren[0] ?? null;
      continue;
    }
    return undefined;
  }
  return undefined;
}

function fromDefinition(n: TSNode, prev: Prev | undefined, recovered: boolean): FunctionInfo | undefined {
  const body = n.childForFieldName('body');
  const declarator = n.childForFieldName('declarator');
  let nameNode = declaredName(declarator);
  // `static int MACRO name(void)` with an unknown attribute macro parses as a definition whose
  // type is `name` and whose declarator is `(void)`: the function is named by the type.
  const type = n.childForFieldName('type');
  if (declarator?.type === 'parenthesized_declarator' && type?.type === 'type_identifier') {
    nameNode = type;
    recovered = true;
  }
  if (!body || !nameNode) return undefined;
  const isStatic = n.children.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static') ||
    (recovered && prev?.faultyDeclaration !== undefined && /^\s*static\b/.test(prev.faultyDeclaration.text));
  return new DelimitedFunction({
    name: nameNode.text, isStatic, start: n.startIndex, end: n.endIndex, bodyStart: body.startIndex, bodyEnd: body.endIndex,
    line: n.startPosition.row, nameLine: nameNode.startPosition.row, nameCol: nameNode.startPosition.column, recovered,
    returnsPointer: declarator?.type === 'pointer_declarator',
  }, n);
}

/**
 * A `compound_statement` at file level whose previous sibling ends in a parenthesized list,
 * such as `SYSCALL_DEFINE2(name, ...)` or `static int __init foo(void) MACRO_ATTR`. The
 * head is scanned backwards by hand (bounded, no backtracking regex on huge ERROR nodes).
 */
function fromOrphanBody(body: TSNode, prev: Prev | undefined, text: string): FunctionInfo | undefined {
  if (!prev) return undefined;
  const from = Math.max(prev.startIndex, body.startIndex - 1024);
  const head = text.slice(from, body.startIndex);
  const stop = Math.max(head.lastIndexOf(';'), head.lastIndexOf('}'));
  const close = head.lastIndexOf(')');
  if (close <= stop) return undefined;
  // Only attribute-like words may follow the parameter list.
  if (!/^[\s\w]*$/.test(head.slice(close + 1))) return undefined;
  let depth = 0;
  let open = -1;
  for (let i = close; i > stop; i--) {
    const ch = head[i];
    if (ch === ')') depth++;
    else if (ch === '(' && --depth === 0) {
      open = i;
      break;
    }
  }
  if (open < 0) return undefined;
  const before = /([A-Za-z_]\w*)\s*$/.exec(head.slice(Math.max(stop + 1, open - 128), open));
  if (!before) return undefined;
  const macro = before[1] as string;
  // SYSCALL_DEFINEn(name, ...) and similar macros name the function in their first argument.
  const first = /^\s*([A-Za-z_]\w*)/.exec(head.slice(open + 1, close))?.[1];
  const byArg = /^[A-Z0-9_]+$/.test(macro) && first !== undefined;
  const name = byArg ? (first as string) : macro;
  const nameOffset = byArg ? from + open + 1 + head.slice(open + 1).indexOf(name) : from + open - before[0].length + before[0].indexOf(macro);
  const lineStart = nameOffset === 0 ? 0 : text.lastIndexOf('\n', nameOffset - 1) + 1;
  const startOffset = from + stop + 1;
  // Lines are counted back from the body, whose row tree-sitter knows: no scan of the file.
  const rowBefore = (offset: number): number => body.startPosition.row - countNewlines(text, offset, body.startIndex);
  return new DelimitedFunction({
    name, isStatic: /\bstatic\b/.test(head.slice(stop + 1)), start: startOffset, end: body.endIndex, bodyStart: body.startIndex,
    bodyEnd: body.endIndex, line: rowBefore(startOffset), nameLine: rowBefore(nameOffset), nameCol: nameOffset - lineStart,
    recovered: true, returnsPointer: /\*\s*$/.test(head.slice(stop + 1, Math.max(stop + 1, open - before[0].length))),
  }, body);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Nodes whose children findFunctions() looks among: error regions and preprocessor blocks. */
const CONTAINERS = new Set(['ERROR', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'linkage_specification', 'declaration_list']);

/** A clean definition's FunctionInfo with its offsets and lines relative to where it starts. */
type Shape = Omit<FunctionInfo, 'node' | 'start' | 'line' | 'hash'>;

/**
 * What fromDefinition() made of a definition without parse errors, by its text's hash and the
 * column it starts at (the name's column is absolute): the same text parses to the same
 * subtree wherever it sits. An edit changes one function of a file, and the editor delimits
 * all of them again at each edit; reading each out of the tree was a third of the analysis's
 * fixed cost per edit. (Bounded; holds hashes, never a file's text.)
 */
const shapes = new BoundedMemo<Shape | null>(8192);

function shapeOf(f: FunctionInfo): Shape {
  return {
    // A slice of the document: kept as it is, it would keep that version of the file alive.
    name: detached(f.name), isStatic: f.isStatic, end: f.end - f.start, bodyStart: f.bodyStart - f.start, bodyEnd: f.bodyEnd - f.start,
    nameLine: f.nameLine - f.line, nameCol: f.nameCol, recovered: f.recovered, returnsPointer: f.returnsPointer,
  };
}

/** A definition of `s`'s shape at `start`; `node` is found in `tree` when first asked for if not given. */
function fromShape(s: Shape, start: number, line: number, hash: string, node: TSNode | undefined, tree: Tree): FunctionInfo {
  return new DelimitedFunction({
    name: s.name, isStatic: s.isStatic, start, end: start + s.end, bodyStart: start + s.bodyStart, bodyEnd: start + s.bodyEnd,
    line, nameLine: line + s.nameLine, nameCol: s.nameCol, recovered: s.recovered, returnsPointer: s.returnsPointer,
  }, node, tree, hash);
}

export interface FindOptions {
  /**
   * Remember clean definitions by their text for the next version of the same file (the
   * editor's), and give each function its `hash`. A run that reads each file once (the CLI)
   * would only pay for the hashes.
   */
  remember?: boolean;
}

/** A clean definition findFunctions() remembered of a tree, for the tree that replaces it. */
interface Remembered {
  start: number;
  end: number;
  line: number;
  hash: string;
  shape: Shape;
}

/** What findFunctions() remembered of each tree (in `remember` mode). */
const rememberedOf = new WeakMap<Tree, readonly Remembered[]>();
/** A tree's predecessor's remembered definitions and the edits between them, until findFunctions() reads the tree. */
const lineageOf = new WeakMap<Tree, { remembered: readonly Remembered[]; edits: readonly Edit[] }>();
/** Edits carried over trees nobody delimited: past this many, the next delimits every function again. */
const MAX_CARRIED_EDITS = 64;

/**
 * Tells findFunctions() that `tree` is `old` reparsed after `edits` (in order, each in the
 * text as the ones before left it). Each edit must cover whole lines (DocumentStore's do, for
 * masking): a definition after one starts on a line of its own, at the same column.
 */
export function noteReparse(tree: Tree, old: Tree, edits: readonly Edit[]): void {
  const mine = rememberedOf.get(old);
  const carried = mine ? undefined : lineageOf.get(old);
  const remembered = mine ?? carried?.remembered;
  if (!remembered) return;
  const all = carried ? [...carried.edits, ...edits] : edits;
  if (all.length <= MAX_CARRIED_EDITS) lineageOf.set(tree, { remembered, edits: all });
}

/**
 * The remembered definitions of `tree`'s predecessor that no edit touched, by where they start
 * in `tree`'s text. Their text is the same, moved: what the shape memo would give them, without
 * reading or hashing them again.
 */
function carriedOver(tree: Tree): Map<number, Remembered> | undefined {
  const lineage = lineageOf.get(tree);
  if (!lineage) return undefined;
  lineageOf.delete(tree);
  const out = new Map<number, Remembered>();
  for (const r of lineage.remembered) {
    let { start, end, line } = r;
    let touched = false;
    for (const e of lineage.edits) {
      if (end <= e.startIndex) continue;
      if (start <= e.oldEndIndex) {
        touched = true;
        break;
      }
      const by = e.newEndIndex - e.oldEndIndex;
      start += by;
      end += by;
      line += e.newEndPosition.row - e.oldEndPosition.row;
    }
    if (!touched) out.set(start, start === r.start && line === r.line ? r : { start, end, line, hash: r.hash, shape: r.shape });
  }
  return out;
}

/** The previous sibling, as much as fromDefinition() and fromOrphanBody() ask of it. */
interface Prev {
  startIndex: number;
  /** The node, when it is a declaration with a syntax error (all fromDefinition() reads). */
  faultyDeclaration?: TSNode;
}

/**
 * Every function that can be delimited, in source order. Never throws on broken input.
 * Siblings are read with a cursor (cursor.ts), and a node is made only for what is looked into
 * (definitions not carried over from the tree before, bodies, containers, and a faulty
 * declaration before a definition): a file's hundreds of top-level declarations were each
 * marshalled out of the wasm module at every edit. In the editor, a definition no edit touched
 * since the last call (noteReparse()) is carried over without being read or hashed again; its
 * node is found when first asked for.
 */
export function findFunctions(tree: Tree, text: string, opts: FindOptions = {}): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  const remembered: Remembered[] = [];
  const carried = opts.remember ? carriedOver(tree) : undefined;
  const types = tree.language.types;
  const hashed = (f: FunctionInfo | undefined): FunctionInfo | undefined => {
    if (f && opts.remember) f.hash = textHash(text.slice(f.start, f.end));
    return f;
  };
  const definition = (c: Cursor, start: number, end: number, prev: Prev | undefined, recovered: boolean): FunctionInfo | undefined => {
    if (recovered || !opts.remember) return hashed(fromDefinition(c.node(), prev, recovered));
    const kept = carried?.get(start);
    if (kept && kept.end === end) {
      remembered.push(kept);
      return fromShape(kept.shape, start, kept.line, kept.hash, undefined, tree);
    }
    const n = c.node();
    const at = n.startPosition;
    const hash = textHash(text.slice(start, end));
    const key = `${hash}|${at.column}`;
    const shape = shapes.get(key);
    if (shape) remembered.push({ start, end, line: at.row, hash, shape });
    if (shape !== undefined) return shape ? fromShape(shape, start, at.row, hash, n, tree) : undefined;
    const f = fromDefinition(n, prev, false);
    // A name recovered from the type may take `static` from the declaration before: not the text's alone.
    if (!f?.recovered) {
      const s = f ? shapeOf(f) : null;
      shapes.set(key, s);
      if (s) remembered.push({ start, end, line: at.row, hash, shape: s });
    }
    if (f) f.hash = hash;
    return f;
  };
  walkWith(tree.rootNode, (c) => {
    const visit = (inError: boolean): void => {
      if (!c.firstChild()) return;
      let prev: Prev | undefined;
      do {
        const type = types[c.typeId()] || 'ERROR';
        const start = c.start();
        if (type === 'function_definition') {
          const f = definition(c, start, c.end(), prev, inError || c.hasError());
          if (f) out.push(f);
        } else if (CONTAINERS.has(type)) {
          visit(inError || type === 'ERROR');
        } else if (type === 'compound_statement') {
          const f = hashed(fromOrphanBody(c.node(), prev, text));
          if (f) out.push(f);
        }
        prev = type === 'declaration' && c.hasError() ? { startIndex: start, faultyDeclaration: c.node() } : { startIndex: start };
      } while (c.nextSibling());
      c.parent();
    };
    visit(false);
  });
  if (opts.remember) rememberedOf.set(tree, remembered);
  return out;
}

/**
 * One class for every function found (code that reads them sees one shape). A definition
 * carried over from the tree before an edit has its node found when first asked for: the
 * smallest node that spans a definition's text is the definition (none of its children spans
 * all of it).
 */
class DelimitedFunction implements FunctionInfo {
  readonly name: string;
  readonly isStatic: boolean;
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly line: number;
  readonly nameLine: number;
  readonly nameCol: number;
  readonly recovered: boolean;
  readonly returnsPointer: boolean;
  hash: string | undefined;

  constructor(f: Omit<FunctionInfo, 'node' | 'hash'>, private found: TSNode | undefined, private readonly tree?: Tree, hash?: string) {
    this.name = f.name;
    this.isStatic = f.isStatic;
    this.start = f.start;
    this.end = f.end;
    this.bodyStart = f.bodyStart;
    this.bodyEnd = f.bodyEnd;
    this.line = f.line;
    this.nameLine = f.nameLine;
    this.nameCol = f.nameCol;
    this.recovered = f.recovered;
    this.returnsPointer = f.returnsPointer;
    this.hash = hash;
  }

  get node(): TSNode {
    return (this.found ??= nodeAt(this.tree as Tree, this.start, this.end, 'function_definition'));
  }
}

function nodeAt(tree: Tree, start: number, end: number, type: string): TSNode {
  let n: TSNode | null = tree.rootNode.descendantForIndex(start, end);
  while (n && n.type !== type && n.startIndex === start && n.endIndex === end) n = n.parent;
  if (!n || n.type !== type || n.startIndex !== start || n.endIndex !== end) throw new Error(`no ${type} at ${start}-${end}`);
  return n;
}
