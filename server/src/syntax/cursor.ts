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
}

type Export = (tree: number) => number;

const EXPORTS = [
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
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
  // HEAP32 is read again after the walk: the module's memory may grow during it.
  let heap = d.exports.HEAP32;
  for (let k = 0; k < 4; k++) heap[d.transfer + k] = words[k as 0];
  try {
    return walk(rawCursor(d.exports, words.tree[0]));
  } finally {
    heap = d.exports.HEAP32;
    for (let k = 0; k < 4; k++) words[k as 0] = heap[d.transfer + k] as number;
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
  };
}

function rawCursor(r: Raw, tree: number): Cursor {
  return {
    typeId: () => r._ts_tree_cursor_current_node_type_id_wasm(tree),
    fieldId: () => r._ts_tree_cursor_current_field_id_wasm(tree),
    start: () => r._ts_tree_cursor_start_index_wasm(tree),
    end: () => r._ts_tree_cursor_end_index_wasm(tree),
    missing: () => r._ts_tree_cursor_current_node_is_missing_wasm(tree) === 1,
    firstChild: () => r._ts_tree_cursor_goto_first_child_wasm(tree) === 1,
    nextSibling: () => r._ts_tree_cursor_goto_next_sibling_wasm(tree) === 1,
    parent: () => r._ts_tree_cursor_goto_parent_wasm(tree) === 1,
  };
}

/** Every step of a depth-first walk, as text (the self-test's record). */
export function walkRecord(node: TSNode): string[] {
  return recordVia(direct, node);
}

function recordVia(d: Direct | undefined, node: TSNode): string[] {
  return walkVia(d, node, (c) => {
    const out: string[] = [];
    const note = (): void => {
      out.push(`${c.typeId()}:${c.fieldId()}:${c.start()}-${c.end()}:${c.end() === c.start() && c.missing() ? 'M' : ''}`);
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
    const viaApi = recordVia(undefined, sample);
    const viaModule = recordVia(d, sample);
    return viaModule.length === viaApi.length && viaModule.every((step, i) => step === viaApi[i]) ? d : undefined;
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
