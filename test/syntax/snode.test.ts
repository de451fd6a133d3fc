// snapshot() copies a tree into plain nodes (comments and delimiters left out); its lines and
// columns (computed from offsets, not asked of the wasm module) are the ones tree-sitter gives,
// whatever the text holds.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CParser } from '../../server/src/syntax/parser';
import { SNode, relocate, snapshot } from '../../server/src/syntax/snode';
import { ROOT } from '../helpers';

type TsNode = {
  type: string; startIndex: number; endIndex: number; isNamed: boolean; isMissing: boolean;
  startPosition: { row: number; column: number }; endPosition: { row: number; column: number };
  children: (TsNode | null)[]; fieldNameForChild(i: number): string | null;
};

/** Left out of the copy, unless error recovery inserted them. */
const DELIMITERS = new Set(['(', ')', '{', '}', '[', ']', ',', ';']);

describe('snapshot', () => {
  const texts = [
    fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8'),
    'int f(void)\r\n{\r\n\tconst char *s = "é€😀\\n"; /* ü */ return g(s, \'x\');\r\n}\r\n',
    '\n\n#define X 1\nint a; int b(int c) { return c + X; }',
    // Error recovery inserts a missing `;`.
    'int f(void) { int a = 1 return a; }\n',
    // An ERROR node, a macro call and a comment between fields.
    'static int g(int x)\n{\n\tif (x /* why */ > 1)\n\t\treturn FOO(x) @@ 3;\n\treturn x ? : 2;\n}\n',
  ];

  it.each(texts.map((t, i) => [i, t] as const))('gives every node the position tree-sitter gives it (text %i)', async (_i, text) => {
    const parser = await CParser.load();
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      const walk = (s: SNode, n: TsNode, field: string | undefined): void => {
        expect([s.type, s.start, s.end, s.missing, s.named, s.field]).toEqual([n.type, n.startIndex, n.endIndex, n.isMissing, n.isNamed, field]);
        expect(s.startPos).toEqual({ line: n.startPosition.row, col: n.startPosition.column });
        expect(s.endPos).toEqual({ line: n.endPosition.row, col: n.endPosition.column });
        const kids = n.children.flatMap((c, i) => (c !== null && c.type !== 'comment' && !(DELIMITERS.has(c.type) && !c.isNamed && !c.isMissing)
          ? [{ c, field: n.fieldNameForChild(i) ?? undefined }] : []));
        expect(s.children.length).toBe(kids.length);
        s.children.forEach((c, k) => walk(c, kids[k]?.c as TsNode, kids[k]?.field));
      };
      const root = snapshot(tree.rootNode, { text });
      walk(root, tree.rootNode as unknown as TsNode, undefined);
      // Named and anonymous nodes, fields and an ERROR node all occur in these texts.
      expect(root.find((n) => n.field === 'condition') ?? root.find((n) => n.field === 'body')).toBeDefined();
      if (text.includes('= 1 return')) expect(root.find((n) => n.missing)?.type).toBe(';');
      // Operators stay: the engine reads them.
      if (text.includes('c + X')) expect(root.find((n) => n.type === '+')).toBeDefined();
    } finally {
      tree.delete();
    }
  });

  it('gives a node its text without whitespace, the name the engine keys it by', async () => {
    const text = 'void f(void)\n{\n\tx = dev -> res [ i ].start;\n}\n';
    const parser = await CParser.load();
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      const field = snapshot(tree.rootNode, { text }).find((n) => n.type === 'field_expression' && n.text.endsWith('start'));
      expect(field?.compactText).toBe('dev->res[i].start');
      expect(field?.compactText).toBe('dev->res[i].start');
    } finally {
      tree.delete();
    }
  });
});

describe('relocate', () => {
  /** Everything a node says, its positions included, down the tree. */
  const shape = (n: SNode): unknown => [n.type, n.start, n.end, n.named, n.missing, n.field, n.startPos, n.endPos, n.text, n.parent?.start, n.compactText, n.children.map(shape)];

  it('gives what a new copy out of the tree gives, for a function moved by an edit above it', async () => {
    const parser = await CParser.load();
    const fn = 'static int g(int x)\n{\n\tif (x /* why */ > 1)\n\t\treturn FOO(x) @@ 3;\n\tconst char *s = "é😀";\n\treturn x ? : 2;\n}\n';
    const above = ['', 'int a;\n', '/* one\ntwo */\n\n\n', 'int é = 1;\r\n'];
    const copies = above.map((a) => {
      const text = `${a}${fn}`;
      const tree = parser.parse(text);
      if (!tree) throw new Error('no tree');
      try {
        const source = { text };
        const body = tree.rootNode.descendantsOfType('compound_statement')[0];
        if (!body) throw new Error('no body');
        return { source, root: snapshot(body, source) };
      } finally {
        tree.delete();
      }
    });
    for (const from of copies) {
      for (const to of copies) {
        const moved = relocate(from.root, to.root.start - from.root.start, to.source);
        expect(shape(moved)).toEqual(shape(to.root));
      }
    }
  });
});
