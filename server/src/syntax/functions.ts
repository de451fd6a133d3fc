// Delimiting the functions of a file. Kernel C often parses with ERROR nodes around macros;
// a function definition is still found inside an ERROR region, and a body that tree-sitter
// could not attach to a declarator (macro-defined signatures) is recovered from the brace
// block and the call-like text before it.

import { BoundedMemo, detached, textHash } from '../textHash.js';
import type { Tree, TSNode } from './parser.js';

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

function fromDefinition(n: TSNode, prev: TSNode | null | undefined, recovered: boolean): FunctionInfo | undefined {
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
    (recovered && prev?.type === 'declaration' && prev.hasError && /^\s*static\b/.test(prev.text));
  return {
    name: nameNode.text, isStatic, start: n.startIndex, end: n.endIndex, bodyStart: body.startIndex, bodyEnd: body.endIndex,
    line: n.startPosition.row, nameLine: nameNode.startPosition.row, nameCol: nameNode.startPosition.column, node: n, recovered,
    returnsPointer: declarator?.type === 'pointer_declarator',
  };
}

/**
 * A `compound_statement` at file level whose previous sibling ends in a parenthesized list,
 * such as `SYSCALL_DEFINE2(name, ...)` or `static int __init foo(void) MACRO_ATTR`. The
 * head is scanned backwards by hand (bounded, no backtracking regex on huge ERROR nodes).
 */
function fromOrphanBody(body: TSNode, prev: TSNode | null | undefined, text: string): FunctionInfo | undefined {
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
  return {
    name, isStatic: /\bstatic\b/.test(head.slice(stop + 1)), start: startOffset, end: body.endIndex, bodyStart: body.startIndex,
    bodyEnd: body.endIndex, line: rowBefore(startOffset), nameLine: rowBefore(nameOffset), nameCol: nameOffset - lineStart,
    node: body, recovered: true, returnsPointer: /\*\s*$/.test(head.slice(stop + 1, Math.max(stop + 1, open - before[0].length))),
  };
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

function fromShape(s: Shape, node: TSNode, start: number, line: number, hash: string): FunctionInfo {
  return {
    name: s.name, isStatic: s.isStatic, start, end: start + s.end, bodyStart: start + s.bodyStart, bodyEnd: start + s.bodyEnd,
    line, nameLine: line + s.nameLine, nameCol: s.nameCol, node, recovered: s.recovered, returnsPointer: s.returnsPointer, hash,
  };
}

export interface FindOptions {
  /**
   * Remember clean definitions by their text for the next version of the same file (the
   * editor's), and give each function its `hash`. A run that reads each file once (the CLI)
   * would only pay for the hashes.
   */
  remember?: boolean;
}

/**
 * Every function that can be delimited, in source order. Never throws on broken input.
 * Siblings are read with a cursor, and a node object is made only for what is looked into
 * (definitions, bodies, containers, and the declaration before a recovered definition):
 * a file's hundreds of top-level declarations were each marshalled out of the wasm module
 * at every edit. (A children array, not previousSibling, which is linear in tree-sitter.)
 */
export function findFunctions(tree: Tree, text: string, opts: FindOptions = {}): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  const cursor = tree.rootNode.walk();
  const hashed = (f: FunctionInfo | undefined): FunctionInfo | undefined => {
    if (f && opts.remember) f.hash = textHash(text.slice(f.start, f.end));
    return f;
  };
  const definition = (n: TSNode, prev: TSNode | undefined, recovered: boolean): FunctionInfo | undefined => {
    if (recovered || !opts.remember) return hashed(fromDefinition(n, prev, recovered));
    const start = n.startIndex;
    const at = n.startPosition;
    const hash = textHash(text.slice(start, n.endIndex));
    const key = `${hash}|${at.column}`;
    const shape = shapes.get(key);
    if (shape !== undefined) return shape ? fromShape(shape, n, start, at.row, hash) : undefined;
    const f = fromDefinition(n, prev, false);
    // A name recovered from the type may take `static` from the declaration before: not the text's alone.
    if (!f?.recovered) shapes.set(key, f ? shapeOf(f) : null);
    if (f) f.hash = hash;
    return f;
  };
  const visit = (inError: boolean): void => {
    if (!cursor.gotoFirstChild()) return;
    // The previous sibling: its node when it is a declaration (all fromDefinition() asks of
    // one), else just where it starts (all fromOrphanBody() asks).
    let prev: TSNode | { startIndex: number; type: string } | undefined;
    do {
      const type = cursor.nodeType;
      if (type === 'function_definition') {
        const n = cursor.currentNode;
        const f = definition(n, prev as TSNode | undefined, inError || n.hasError);
        if (f) out.push(f);
        prev = n;
      } else if (CONTAINERS.has(type)) {
        prev = cursor.currentNode;
        visit(inError || type === 'ERROR');
      } else if (type === 'compound_statement') {
        const n = cursor.currentNode;
        const f = hashed(fromOrphanBody(n, prev as TSNode | undefined, text));
        if (f) out.push(f);
        prev = n;
      } else {
        prev = type === 'declaration' ? cursor.currentNode : { startIndex: cursor.startIndex, type };
      }
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  try {
    visit(false);
  } finally {
    cursor.delete();
  }
  return out;
}
