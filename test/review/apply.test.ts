// Applying hunks as GNU patch does: at the stated line, else at the nearest offset, else with
// fuzz; hunks in order; a hunk that does not apply is named.

import { describe, expect, it } from 'vitest';
import { applyFilePatch } from '../../server/src/review/apply';
import { parsePatches } from '../../server/src/review/patch';

const base = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

function patchOf(diff: string) {
  const [p] = parsePatches(diff, 'test.diff');
  if (!p) throw new Error('no patch');
  return p.files[0]!;
}

const change10 = `--- a/f.c
+++ b/f.c
@@ -8,7 +8,7 @@
 line 8
 line 9
 line 10
-line 11
+LINE 11
 line 12
 line 13
 line 14
`;

describe('applyFilePatch', () => {
  it('applies where the header says', () => {
    const r = applyFilePatch(base, patchOf(change10));
    expect(r.ok && r.text).toBe(base.replace('line 11\n', 'LINE 11\n'));
    expect(r.ok && r.hunks).toEqual([{ hunk: 1, offset: 0, fuzz: 0, newStart: 7, newEnd: 14, oldStart: 7, oldEnd: 14 }]);
  });

  it('finds the context of a hunk whose header states a line far past the end, without counting up to it (found in review)', () => {
    const far = change10.replace('@@ -8,7 +8,7 @@', '@@ -99999999999999999999,7 +99999999999999999999,7 @@');
    const r = applyFilePatch(base, patchOf(far));
    expect(r.ok && r.text).toBe(base.replace('line 11\n', 'LINE 11\n'));
    const nowhere = far.replace(' line 12\n', ' line twelve\n').replace(' line 9\n', ' line nine\n').replace(' line 10\n', ' line ten\n');
    expect(applyFilePatch(base, patchOf(nowhere)).ok).toBe(false);
  });

  it('finds the context at an offset when lines were added above', () => {
    const shifted = 'new 1\nnew 2\nnew 3\n' + base;
    const r = applyFilePatch(shifted, patchOf(change10));
    expect(r.ok && r.text).toBe(shifted.replace('line 11\n', 'LINE 11\n'));
    expect(r.ok && r.hunks[0]?.offset).toBe(3);
  });

  it('applies with fuzz when the outer context lines differ, and reports the fuzz', () => {
    const edited = base.replace('line 8\n', 'line eight\n').replace('line 14\n', 'line fourteen\n');
    const r = applyFilePatch(edited, patchOf(change10));
    expect(r.ok && r.text).toBe(edited.replace('line 11\n', 'LINE 11\n'));
    expect(r.ok && r.hunks[0]).toMatchObject({ offset: 0, fuzz: 1 });
  });

  it('names the hunk that does not apply', () => {
    const r = applyFilePatch(base.replace('line 11\n', 'something else\n'), patchOf(change10));
    expect(r).toEqual({ ok: false, hunk: 1, reason: expect.stringMatching(/^hunk #1 \(@@ -8,7 \+8,7 @@\) does not apply: its context is not in the file, even with fuzz 2$/) });
  });

  it('applies later hunks below earlier ones, counting what the earlier ones added', () => {
    const two = `--- a/f.c
+++ b/f.c
@@ -2,3 +2,5 @@
 line 2
+added a
+added b
 line 3
 line 4
@@ -20,3 +22,3 @@
 line 20
-line 21
+LINE 21
 line 22
`;
    const r = applyFilePatch(base, patchOf(two));
    expect(r.ok && r.text).toBe(base.replace('line 2\n', 'line 2\nadded a\nadded b\n').replace('line 21\n', 'LINE 21\n'));
    expect(r.ok && r.hunks.map((h) => h.offset)).toEqual([0, 0]);
  });

  it('creates and deletes files, and refuses to create one that exists', () => {
    const create = patchOf('--- /dev/null\n+++ b/new.c\n@@ -0,0 +1,2 @@\n+int a;\n+int b;\n');
    expect(applyFilePatch(undefined, create)).toMatchObject({ ok: true, text: 'int a;\nint b;\n' });
    expect(applyFilePatch('x\n', create)).toMatchObject({ ok: false, reason: 'the patch creates the file, but it already exists' });
    const del = patchOf('--- a/old.c\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-int a;\n-int b;\n');
    expect(applyFilePatch('int a;\nint b;\n', del)).toMatchObject({ ok: true, text: undefined });
    expect(applyFilePatch(undefined, patchOf(change10))).toMatchObject({ ok: false, reason: 'no such file in the tree' });
  });

  it('applies to a file with CRLF line ends, and keeps them (found in review)', () => {
    const [p] = parsePatches('--- a/x.c\r\n+++ b/x.c\r\n@@ -1,3 +1,3 @@\r\n a\r\n-b\r\n+B\r\n c\r\n', 'crlf.diff');
    const r = applyFilePatch('a\r\nb\r\nc\r\n', p!.files[0]!);
    expect(r).toMatchObject({ ok: true, text: 'a\r\nB\r\nc\r\n' });
  });

  it('keeps and drops the final newline as the markers say', () => {
    const p = patchOf('--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n');
    expect(applyFilePatch('a\nb', p)).toMatchObject({ ok: true, text: 'a\nc\n' });
  });
});
