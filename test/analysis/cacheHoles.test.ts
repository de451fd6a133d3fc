// Edits that once left the editor's cached analysis different from a fresh one: each walk read
// some text its function's cache key does not hold (found by a review that hunted for them).
// test/fixtures/cache/NAME.c is the file, NAME.edits.json the edits an editor sends, in order
// ({ find, off?, del?, ins }: at the first `find`, `off` characters in, `del` out, `ins` in).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeTree } from '../../server/src/analysis/analyze';
import type { FileAnalysis } from '../../server/src/analysis/finding';
import { DocumentStore } from '../../server/src/lsp/documents';
import { CParser, Tree } from '../../server/src/syntax/parser';
import { ROOT, options } from '../helpers';

const DIR = path.join(ROOT, 'test', 'fixtures', 'cache');
const opts = options();

interface Edit {
  find: string;
  off?: number;
  del?: number;
  ins: string;
}

const analysis = (tree: Tree, text: string, cache?: FunctionCache): FileAnalysis => analyzeTree(tree, text, opts, cache, { file: 'drivers/x.c' });

/** Findings with traces and quick fixes, and the call facts hovers read. */
const shown = (a: FileAnalysis): string[] => [
  ...a.findings.map((f) => `${f.line}:${f.col}:${f.start}-${f.end} ${f.rule}: ${f.message} | ${f.trace.map((t) => `${t.line}:${t.col} ${t.message}`).join(' / ')}${f.fix ? ` | fix ${JSON.stringify(f.fix)}` : ''}`),
  ...a.calls.map((c) => `call ${JSON.stringify(c)}`),
].sort();

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: before.length - (before.lastIndexOf('\n') + 1) };
}

const cases = fs.readdirSync(DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

describe('the function cache against no cache, on the edits that once told them apart', () => {
  it('has its cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, async () => {
      const parser = await CParser.load();
      let text = fs.readFileSync(path.join(DIR, `${name}.c`), 'utf8');
      const edits = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.edits.json`), 'utf8')) as Edit[];
      const store = new DocumentStore(parser);
      const cache = new FunctionCache();
      const uri = `file:///tmp/iomem-lens-cache-holes/${name}.c`;
      let version = 1;
      store.open(uri, 'c', version, text);
      analysis(store.get(uri)?.tree as Tree, text, cache);
      try {
        for (const e of edits) {
          const i = text.indexOf(e.find);
          expect(i, `${e.find} in ${name}.c`).toBeGreaterThanOrEqual(0);
          const at = i + (e.off ?? 0);
          const end = at + (e.del ?? 0);
          store.change(uri, ++version, [{ range: { start: position(text, at), end: position(text, end) }, text: e.ins }]);
          text = text.slice(0, at) + e.ins + text.slice(end);
          const cached = shown(analysis(store.get(uri)?.tree as Tree, text, cache));
          const tree = parser.parse(text);
          if (!tree) throw new Error('parse timed out');
          try {
            expect(cached, JSON.stringify(e)).toEqual(shown(analysis(tree, text)));
          } finally {
            tree.delete();
          }
        }
      } finally {
        store.close(uri);
      }
    });
  }
});
