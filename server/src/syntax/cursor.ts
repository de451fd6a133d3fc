// Tree walks without web-tree-sitter's per-call copying. Each TreeCursor property or move copies
// the cursor's four words into the module's transfer buffer through emscripten's generic
// setValue() (and a move copies them back): half of the time snapshot() took to copy a
// function's syntax out of the tree. A walk here leaves the cursor in the transfer buffer and
// calls the module's exports directly, then hands the cursor back before it is deleted.
//
// This reads two things web-tree-sitter does not document: the emscripten module it builds on
// the object given to Parser.init(), and a TreeCursor's words at [0..3] with its tree's address
// at tree[0] (web-tree-sitter 0.25 to 0.27). enableRawCursors() checks both on a sample parse
// against the public API; anything different and every walk uses the public API.

import type { TSNode } from './parser.js';

/** What a walk asks of the cursor: the same as web-tree-sitter's TreeCursor, as methods. */
export interface Cursor {
  typeId(): number;
  fieldId(): number;
  /** Offsets in UTF-16 units, as TreeCursor.startIndex and endIndex. */
  start(): number;
  end(): number;
  missing(): boolean;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  /** Whether the current node is or contains a syntax error (as Node.hasError). */
  hasError(): boolean;
  /** The current node as web-tree-sitter's Node (made only where a walk needs one). */
  node(): TSNode;
}

type Export = (tree: number) => number;

const EXPORTS = [
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm', '_ts_tree_cursor_current_node_wasm',
  '_ts_node_has_error_wasm',
] as const;

type Raw = Record<(typeof EXPORTS)[number], Export> & { HEAP32: Int32Array; _ts_init(): number };

/** A TreeCursor's internals: its four words and its tree's address. */
type CursorWords = Record<0 | 1 | 2 | 3, number> & { tree: Record<0, number> };

/** The module's exports, once checked, and the transfer buffer's index in HEAP32. */
interface Direct {
  exports: Raw;
  transfer: number;
}

let direct: Direct | undefined;

/** Walks `node`'s subtree with a cursor (deleted afterwards, also when `walk` throws). */
export function walkWith<T>(node: TSNode, walk: (c: Cursor) => T): T {
  return walkVia(direct, node, walk);
}

function walkVia<T>(d: Direct | undefined, node: TSNode, walk: (c: Cursor) => T): T {
  const tc = node.walk();
  const words = tc as unknown as CursorWords;
  if (!d) {
    try {
      return walk(apiCursor(tc));
    } finally {
      tc.delete();
    }
  }
  const heap = d.exports.HEAP32;
  for (let k = 0; k < 4; k++) heap[d.transfer + k] = words[k as 0];
  const cursor = rawCursor(d, words.tree[0], tc);
  try {
    return walk(cursor);
  } finally {
    cursor.finish();
    tc.delete();
  }
}

function apiCursor(tc: ReturnType<TSNode['walk']>): Cursor {
  return {
    typeId: () => tc.nodeTypeId,
    fieldId: () => tc.currentFieldId,
    start: () => tc.startIndex,
    end: () => tc.endIndex,
    missing: () => tc.nodeIsMissing,
    firstChild: () => tc.gotoFirstChild(),
    nextSibling: () => tc.gotoNextSibling(),
    parent: () => tc.gotoParent(),
    hasError: () => tc.currentNode.hasError,
    node: () => tc.currentNode,
  };
}

/**
 * The walk keeps its cursor in the transfer buffer, where every Node method and
 * `_ts_tree_cursor_current_node_wasm` write too. Once a walk has made a node or asked for an
 * error flag (`shared`), the cursor's words in `tc` are the true ones: each call puts them back
 * in the buffer first, and each move takes them out again. Walks that never do (snapshots) pay
 * one test per call.
 */
function rawCursor(d: Direct, tree: number, tc: ReturnType<TSNode['walk']>): Cursor & { finish(): void } {
  const r = d.exports;
  const words = tc as unknown as CursorWords;
  let shared = false;
  const toHeap = (): void => {
    const heap = r.HEAP32;
    for (let k = 0; k < 4; k++) heap[d.transfer + k] = words[k as 0];
  };
  const fromHeap = (): void => {
    const heap = r.HEAP32;
    for (let k = 0; k < 4; k++) words[k as 0] = heap[d.transfer + k] as number;
  };
  const read = (f: Export): number => {
    if (shared) toHeap();
    return f(tree);
  };
  const move = (f: Export): boolean => {
    if (shared) toHeap();
    const ok = f(tree) === 1;
    if (shared) fromHeap();
    return ok;
  };
  const share = (): void => {
    if (!shared) fromHeap();
    shared = true;
  };
  return {
    typeId: () => read(r._ts_tree_cursor_current_node_type_id_wasm),
    fieldId: () => read(r._ts_tree_cursor_current_field_id_wasm),
    start: () => read(r._ts_tree_cursor_start_index_wasm),
    end: () => read(r._ts_tree_cursor_end_index_wasm),
    missing: () => read(r._ts_tree_cursor_current_node_is_missing_wasm) === 1,
    firstChild: () => move(r._ts_tree_cursor_goto_first_child_wasm),
    nextSibling: () => move(r._ts_tree_cursor_goto_next_sibling_wasm),
    parent: () => move(r._ts_tree_cursor_goto_parent_wasm),
    hasError: () => {
      share();
      toHeap();
      // The node replaces the cursor in the buffer; has_error reads it from there.
      r._ts_tree_cursor_current_node_wasm(tree);
      return r._ts_node_has_error_wasm(tree) === 1;
    },
    node: () => {
      share();
      return tc.currentNode;
    },
    finish: () => {
      if (!shared) fromHeap();
    },
  };
}

/**
 * Every step of a depth-first walk, as text (the self-test's record). `nodes`: also each node's
 * error flag and its Node, read between the moves as findFunctions() does.
 */
export function walkRecord(node: TSNode, nodes = false): string[] {
  return recordVia(direct, node, nodes);
}

function recordVia(d: Direct | undefined, node: TSNode, nodes: boolean): string[] {
  return walkVia(d, node, (c) => {
    const out: string[] = [];
    const note = (): void => {
      let step = `${c.typeId()}:${c.fieldId()}:${c.start()}-${c.end()}:${c.end() === c.start() && c.missing() ? 'M' : ''}`;
      if (nodes) {
        const n = c.node();
        step += `:${c.hasError() ? 'E' : ''}:${n.typeId}@${n.startIndex}-${n.endIndex}:${n.hasError ? 'E' : ''}`;
      }
      out.push(step);
    };
    note();
    let depth = 0;
    for (;;) {
      if (c.firstChild()) {
        depth++;
        note();
        continue;
      }
      while (!c.nextSibling()) {
        if (depth === 0 || !c.parent()) return out;
        depth--;
      }
      note();
    }
  });
}

/** The module's exports a direct walk calls, if `module` has them all. */
export function rawExports(module: object): Raw | undefined {
  const m = module as Partial<Raw>;
  if (!(m.HEAP32 instanceof Int32Array) || typeof m._ts_init !== 'function' || EXPORTS.some((e) => typeof m[e] !== 'function')) return undefined;
  return m as Raw;
}

/**
 * Whether walks can call `module` (the object given to Parser.init()) directly: it has the
 * exports, the host is little-endian as the wasm heap is (HEAP32 is in the host's order), and
 * a direct walk of `sample` records what the public API records, without throwing.
 */
export function directWalksWork(module: object, sample: TSNode): Direct | undefined {
  const exports = rawExports(module);
  if (!exports || new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) return undefined;
  const words = sample.walk() as unknown as CursorWords;
  const shaped = [0, 1, 2, 3].every((k) => typeof words[k as 0] === 'number') && typeof words.tree?.[0] === 'number';
  (words as unknown as ReturnType<TSNode['walk']>).delete();
  if (!shaped) return undefined;
  try {
    const d = { exports, transfer: exports._ts_init() >> 2 };
    const same = (nodes: boolean): boolean => {
      const viaApi = recordVia(undefined, sample, nodes);
      const viaModule = recordVia(d, sample, nodes);
      return viaModule.length === viaApi.length && viaModule.every((step, i) => step === viaApi[i]);
    };
    return same(false) && same(true) ? d : undefined;
  } catch {
    // Internals other than expected: the public API it is.
    return undefined;
  }
}

/** Lets walks call the module directly if directWalksWork(); returns whether they do. Call once, right after loading. */
export function enableRawCursors(module: object, sample: TSNode): boolean {
  direct = directWalksWork(module, sample);
  return direct !== undefined;
}

/** Whether walks call the module directly. */
export function rawCursorsEnabled(): boolean {
  return direct !== undefined;
}

/** Runs `fn` with walks through the public API (tests compare the two ways). */
export function withApiCursors<T>(fn: () => T): T {
  const saved = direct;
  direct = undefined;
  try {
    return fn();
  } finally {
    direct = saved;
  }
}
