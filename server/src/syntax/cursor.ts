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

let raw: Raw | undefined;
/** The transfer buffer's index in HEAP32. */
let transfer = 0;

/** Walks `node`'s subtree with a cursor (deleted afterwards, also when `walk` throws). */
export function walkWith<T>(node: TSNode, walk: (c: Cursor) => T): T {
  const tc = node.walk();
  const words = tc as unknown as CursorWords;
  const r = raw;
  if (!r) {
    try {
      return walk(apiCursor(tc));
    } finally {
      tc.delete();
    }
  }
  // HEAP32 is read again after the walk: the module's memory may grow during it.
  let heap = r.HEAP32;
  for (let k = 0; k < 4; k++) heap[transfer + k] = words[k as 0];
  try {
    return walk(rawCursor(r, words.tree[0]));
  } finally {
    heap = r.HEAP32;
    for (let k = 0; k < 4; k++) words[k as 0] = heap[transfer + k] as number;
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
  return walkWith(node, (c) => {
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
 * Lets walks call the module directly if `module` (the object given to Parser.init()) has the
 * exports and a walk of `sample` through them records what the public API records. Returns
 * whether it did. Call once, right after loading.
 */
export function enableRawCursors(module: object, sample: TSNode): boolean {
  raw = undefined;
  const r = rawExports(module);
  if (!r) return false;
  const words = sample.walk() as unknown as CursorWords;
  const shaped = [0, 1, 2, 3].every((k) => typeof words[k as 0] === 'number') && typeof words.tree?.[0] === 'number';
  (words as unknown as ReturnType<TSNode['walk']>).delete();
  if (!shaped) return false;
  const viaApi = walkRecord(sample);
  raw = r;
  transfer = r._ts_init() >> 2;
  const direct = walkRecord(sample);
  if (direct.length !== viaApi.length || direct.some((s, i) => s !== viaApi[i])) raw = undefined;
  return raw !== undefined;
}

/** Whether walks call the module directly. */
export function rawCursorsEnabled(): boolean {
  return raw !== undefined;
}

/** Runs `fn` with walks through the public API (tests compare the two ways). */
export function withApiCursors<T>(fn: () => T): T {
  const saved = raw;
  raw = undefined;
  try {
    return fn();
  } finally {
    raw = saved;
  }
}
