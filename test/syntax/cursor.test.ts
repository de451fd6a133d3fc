// Walks that call the wasm module directly (cursor.ts) see what web-tree-sitter's TreeCursor
// sees, and snapshots taken either way are the same.

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { directWalksWork, rawCursorsEnabled, rawExports, walkRecord, walkWith, withApiCursors } from '../../server/src/syntax/cursor';
import { CParser } from '../../server/src/syntax/parser';
import { SNode, snapshot } from '../../server/src/syntax/snode';
import { sampleFiles } from '../helpers';

const shape = (n: SNode): unknown => [n.type, n.start, n.end, n.named, n.missing, n.field, n.children.map(shape)];

const texts = [
  ...sampleFiles().map((f) => fs.readFileSync(f, 'utf8')),
  'int f(void)\r\n{\r\n\tconst char *s = "é€😀\\n"; /* ü */ return g(s, \'x\');\r\n}\r\n',
  'int f(void) { int a = 1 return a; }\n',
  'static int g(int x)\n{\n\tif (x /* why */ > 1)\n\t\treturn FOO(x) @@ 3;\n\treturn x ? : 2;\n}\n',
  '',
  '}}}((( int',
];

describe('direct cursor walks', () => {
  it('are on with the web-tree-sitter this project pins (an upgrade that changes its internals turns them off: this fails)', async () => {
    await CParser.load();
    expect(rawCursorsEnabled()).toBe(true);
  });

  it('record every step as the public API does, and snapshots come out the same, on every sample text', async () => {
    const parser = await CParser.load();
    for (const text of texts) {
      const tree = parser.parse(text);
      if (!tree) throw new Error('no tree');
      try {
        const direct = walkRecord(tree.rootNode);
        const viaApi = withApiCursors(() => walkRecord(tree.rootNode));
        expect(direct).toEqual(viaApi);
        expect(direct.length).toBeGreaterThan(0);
        // Subtrees too: a cursor bounded to one function body.
        const fn = tree.rootNode.namedChildren.find((c) => c?.type === 'function_definition')?.childForFieldName('body');
        if (fn) expect(walkRecord(fn)).toEqual(withApiCursors(() => walkRecord(fn)));
        // Nodes made and error flags read between the moves (they use the buffer the walk's cursor is in).
        expect(walkRecord(tree.rootNode, true)).toEqual(withApiCursors(() => walkRecord(tree.rootNode, true)));
        expect(shape(snapshot(tree.rootNode, { text }))).toEqual(withApiCursors(() => shape(snapshot(tree.rootNode, { text }))));
      } finally {
        tree.delete();
      }
    }
  });

  it('leave the next walk right when a walk throws halfway', async () => {
    const parser = await CParser.load();
    const text = texts[0] as string;
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      const before = walkRecord(tree.rootNode);
      expect(() => walkWith(tree.rootNode, (c) => {
        c.firstChild();
        c.firstChild();
        throw new Error('stop');
      })).toThrow('stop');
      expect(walkRecord(tree.rootNode)).toEqual(before);
    } finally {
      tree.delete();
    }
  });

  it('walk a tree deeper than the cursor\'s first stack the same way, many times over, and parsing goes on', async () => {
    const parser = await CParser.load();
    // 300 nested parentheses: the cursor's stack grows (and moves) during the walk.
    const text = `int f(void) { return ${'('.repeat(300)}1${')'.repeat(300)}; }\n`;
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      const want = withApiCursors(() => walkRecord(tree.rootNode));
      for (let i = 0; i < 200; i++) expect(walkRecord(tree.rootNode)).toEqual(want);
      const other = parser.parse(texts[0] as string);
      expect(other?.rootNode.hasError).toBe(false);
      other?.delete();
    } finally {
      tree.delete();
    }
  });

  it('are not used with a module that lacks the exports, traps in them or answers otherwise, and the check changes nothing else', async () => {
    expect(rawExports({})).toBeUndefined();
    expect(rawExports({ HEAP32: new Int32Array(4), _ts_init: () => 0 })).toBeUndefined();
    const parser = await CParser.load();
    const tree = parser.parse(texts[0] as string);
    if (!tree) throw new Error('no tree');
    const names = ['_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
      '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_goto_first_child_wasm',
      '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm'];
    const fake = (fn: () => number): object => ({ HEAP32: new Int32Array(64), _ts_init: () => 16, ...Object.fromEntries(names.map((n) => [n, fn])) });
    try {
      const before = walkRecord(tree.rootNode);
      expect(directWalksWork(fake(() => {
        throw new Error('trap');
      }), tree.rootNode)).toBeUndefined();
      expect(directWalksWork(fake(() => 0), tree.rootNode)).toBeUndefined();
      expect(rawCursorsEnabled()).toBe(true);
      expect(walkRecord(tree.rootNode)).toEqual(before);
    } finally {
      tree.delete();
    }
  });
});
