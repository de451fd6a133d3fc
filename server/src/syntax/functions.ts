// Delimiting the functions of a file. Kernel C often parses with ERROR nodes around macros;
// a function definition is still found inside an ERROR region, and a body that tree-sitter
// could not attach to a declarator (macro-defined signatures) is recovered from the brace
// block and the call-like text before it.

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

function fromDefinition(n: TSNode, recovered: boolean): FunctionInfo | undefined {
  const body = n.childForFieldName('body');
  const nameNode = declaredName(n.childForFieldName('declarator'));
  if (!body || !nameNode) return undefined;
  const isStatic = n.children.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
  return {
    name: nameNode.text, isStatic, start: n.startIndex, end: n.endIndex, bodyStart: body.startIndex, bodyEnd: body.endIndex,
    line: n.startPosition.row, nameLine: nameNode.startPosition.row, nameCol: nameNode.startPosition.column, node: n, recovered,
  };
}

/**
 * A `compound_statement` at file level whose previous sibling ends in a parenthesized list,
 * such as `SYSCALL_DEFINE2(name, ...)` or `static int __init foo(void) MACRO_ATTR`.
 */
function fromOrphanBody(body: TSNode, text: string): FunctionInfo | undefined {
  const prev = body.previousSibling;
  if (!prev) return undefined;
  const head = text.slice(prev.startIndex, body.startIndex);
  const m = /([A-Za-z_]\w*)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*(?:[A-Za-z_]\w*(?:\([^()]*\))?\s*)*$/.exec(head);
  if (!m) return undefined;
  const macro = m[1] as string;
  // SYSCALL_DEFINEn(name, ...) and similar macros name the function in their first argument.
  const first = /^\s*([A-Za-z_]\w*)/.exec(m[2] ?? '')?.[1];
  const name = /^[A-Z0-9_]+$/.test(macro) && first ? first : macro;
  const nameOffset = prev.startIndex + head.indexOf(name === macro ? macro : name, m.index);
  const before = text.slice(0, nameOffset);
  const nameLine = before.split('\n').length - 1;
  return {
    name, isStatic: /\bstatic\b/.test(head), start: prev.startIndex, end: body.endIndex, bodyStart: body.startIndex,
    bodyEnd: body.endIndex, line: prev.startPosition.row, nameLine, nameCol: nameOffset - (before.lastIndexOf('\n') + 1),
    node: body, recovered: true,
  };
}

/** Every function that can be delimited, in source order. Never throws on broken input. */
export function findFunctions(tree: Tree, text: string): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  const visit = (parent: TSNode, inError: boolean): void => {
    for (const n of parent.children) {
      if (!n) continue;
      if (n.type === 'function_definition') {
        const f = fromDefinition(n, inError || n.hasError);
        if (f) out.push(f);
      } else if (n.type === 'ERROR' || n.type === 'preproc_if' || n.type === 'preproc_ifdef' ||
                 n.type === 'preproc_else' || n.type === 'preproc_elif' || n.type === 'linkage_specification' ||
                 n.type === 'declaration_list') {
        visit(n, inError || n.type === 'ERROR');
      } else if (n.type === 'compound_statement') {
        const f = fromOrphanBody(n, text);
        if (f) out.push(f);
      }
    }
  };
  visit(tree.rootNode, false);
  return out;
}
