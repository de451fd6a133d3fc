// scanPublications() reads a file once for all six access kinds, and looks for a name's
// file-level declaration only at the line starts that can begin one. Both are pinned against
// the plain form they replace: a regular expression per kind, and the multiline declaration
// pattern tried at every line of the file.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Publication, PublishIndex, PublishKind, scanPublications } from '../../server/src/analysis/publish';
import { lineOf, lineStarts } from '../../server/src/syntax/lines';
import { sampleFiles } from '../helpers';

const PER_KIND: readonly [PublishKind, RegExp][] = [
  ['release', /\bsmp_store_release\(\s*&\s*([A-Za-z_]\w*)\s*,/g],
  ['rcu', /\brcu_assign_pointer\(\s*([A-Za-z_]\w*)\s*,/g],
  ['once', /\bWRITE_ONCE\(\s*([A-Za-z_]\w*)\s*,/g],
  ['acquire', /\bsmp_load_acquire\(\s*&\s*([A-Za-z_]\w*)\s*\)/g],
  ['read_once', /\bREAD_ONCE\(\s*([A-Za-z_]\w*)\s*\)/g],
  ['rcu_deref', /\brcu_dereference\w*\(\s*([A-Za-z_]\w*)\s*[,)]/g],
];

/** The oracle: each kind's own pass, and the declaration pattern with `^` over the whole text. */
function plainScan(text: string, file: string): Publication[] {
  if (!/\b(?:smp_store_release|rcu_assign_pointer|WRITE_ONCE|smp_load_acquire)\(/.test(text)) return [];
  const out: Publication[] = [];
  for (const [kind, re] of PER_KIND) {
    for (const m of text.matchAll(re)) {
      const name = m[1] as string;
      const decl = new RegExp(`^(?:static\\s+|extern\\s+)?(?:const\\s+|volatile\\s+)*(?:struct\\s+|union\\s+|enum\\s+|unsigned\\s+|signed\\s+)?\\w+[\\w\\s*]*?\\b${name}\\b[^;(]*;`, 'm').exec(text)?.[0];
      if (!decl) continue;
      out.push({ name, kind, file, line: lineOf(lineStarts(text), m.index ?? 0), fileStatic: /^\s*static\b/.test(decl), pointer: new RegExp(`\\*\\s*${name}\\b`).test(decl) });
    }
  }
  return out;
}

/** C-like text made of the pieces that matter here: declarations, accesses, separators, line ends. */
const piece = fc.constantFrom(
  'static struct foo *G;', 'struct foo *H;', 'extern struct foo\n*H;', 'int\nG;', 'static int G', ';', '(', ')', ',', '*', '&', ' ', '\n', '\r\n', '\r', '\u2028', '\t',
  'smp_store_release(&G, p);', 'smp_store_release( & H ,', 'rcu_assign_pointer(G, p);', 'WRITE_ONCE(H, 1);', 'WRITE_ONCE(READ_ONCE(G), 1)',
  'smp_load_acquire(&G)', 'READ_ONCE(H)', 'READ_ONCE(WRITE_ONCE)', 'rcu_dereference(G)', 'rcu_dereference_protected(H, 1)', 'rcu_dereference_x(G,',
  'G', 'H', 'GG', 'xG', 'foo', 'static', 'const', '/* G; */', '"H;"', 'x = G;',
);

describe('scanPublications', () => {
  it('lists what a pass per kind lists, in the same order, on every fixture', () => {
    for (const f of sampleFiles()) {
      const text = fs.readFileSync(f, 'latin1');
      expect(scanPublications(text, f)).toEqual(plainScan(text, f));
    }
  });

  it('lists what a pass per kind lists on any arrangement of declarations, accesses and line ends', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const text = pieces.join('');
      expect(scanPublications(text, 'f.c')).toEqual(plainScan(text, 'f.c'));
    }), { numRuns: 3000 });
  });

  it('finds a declaration that starts lines before the name, and the first of two', () => {
    const text = 'static struct\nfoo\n*\nG;\nstruct foo *G;\nvoid f(void) { smp_store_release(&G, p); }\n';
    expect(scanPublications(text, 'f.c')).toEqual([{ name: 'G', kind: 'release', file: 'f.c', line: 5, fileStatic: true, pointer: true }]);
  });
});

describe('PublishIndex', () => {
  it('gives the names of a file replaced by as many others, not the ones before (found in review)', () => {
    const pub = (name: string, file: string): Publication => ({ name, kind: 'release', file, line: 0, fileStatic: false, pointer: true });
    const index = new PublishIndex();
    index.add([pub('alpha', 'a.c')]);
    const before = index.namesKey();
    index.replaceFile('a.c', [pub('beta', 'a.c')]);
    expect(index.names()).toEqual(['beta']);
    expect(index.namesKey()).not.toBe(before);
  });
});
