// Reading patches as they are mailed: mbox series, format-patch headers, plain diffs.

import { describe, expect, it } from 'vitest';
import { FilePatch, parsePatches, readPatches, seriesOrder, splitSubject } from '../../server/src/review/patch';
import { patchTarget } from '../../server/src/review/review';

const hunk = '@@ -1,2 +1,2 @@\n a\n-b\n+c\n';

describe('parsePatches', () => {
  it('reads a series from an mbox, skips the cover letter, and orders it by n/m', () => {
    const msg = (n: number, sha: string) => `From ${sha} Mon Sep 17 00:00:00 2001
From: =?UTF-8?q?J=C3=B6rg?= <j@example.org>
Subject: [PATCH v4 ${n}/3] mm: step
 ${n}

body
---
diff --git a/f${n}.c b/f${n}.c
--- a/f${n}.c
+++ b/f${n}.c
${hunk}-- 
2.39.5
`;
    const cover = 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nSubject: [PATCH v4 0/3] cover\n\nno diff here\n';
    const patches = seriesOrder(parsePatches(cover + msg(3, 'c'.repeat(40)) + msg(1, 'a'.repeat(40)) + msg(2, 'b'.repeat(40)), 'series.mbox'));
    expect(patches.map((p) => `${p.prefix} ${p.subject} ${p.files[0]?.newPath}`)).toEqual([
      '[PATCH v4 1/3] mm: step 1 f1.c', '[PATCH v4 2/3] mm: step 2 f2.c', '[PATCH v4 3/3] mm: step 3 f3.c',
    ]);
    expect(patches[0]?.series).toEqual({ index: 1, total: 3, version: 4 });
    expect(patches[0]?.author).toBe('Jörg <j@example.org>');
    expect(patches[0]?.source).toBe('series.mbox (message 3)');
    // Two versions in one mbox: each applied in its own order, one after the other (found in
    // review: interleaved); a lone patch keeps its place, whatever the order of the messages.
    const v = (ver: number, n: number, total: number) => msg(n, String(ver * 10 + n).repeat(20)).replace(`[PATCH v4 ${n}/3]`, `[PATCH v${ver} ${n}/${total}]`);
    const two = seriesOrder(parsePatches(v(1, 2, 3) + v(1, 1, 3) + v(2, 1, 3) + v(1, 3, 3) + v(2, 3, 3) + v(2, 2, 3), 'two.mbox'));
    expect(two.map((p) => p.prefix)).toEqual(['[PATCH v1 1/3]', '[PATCH v1 2/3]', '[PATCH v1 3/3]', '[PATCH v2 1/3]', '[PATCH v2 2/3]', '[PATCH v2 3/3]']);
    const lone = (order: string[]) => seriesOrder(parsePatches(order.join(''), 'm')).map((p) => p.prefix);
    expect(lone([v(1, 2, 3), v(2, 1, 1), v(1, 1, 3), v(1, 3, 3)])).toEqual(['[PATCH v1 1/3]', '[PATCH v1 2/3]', '[PATCH v1 3/3]', '[PATCH v2 1/1]']);
    expect(lone([v(2, 1, 1), v(1, 2, 3), v(1, 1, 3), v(1, 3, 3)])).toEqual(['[PATCH v2 1/1]', '[PATCH v1 1/3]', '[PATCH v1 2/3]', '[PATCH v1 3/3]']);
  });

  it('reads a plain unified diff, with the file name as subject, and CRLF line ends', () => {
    const [p] = parsePatches(`--- a/x.c\r\n+++ b/x.c\r\n${hunk.replace(/\n/g, '\r\n')}`, 'dir/fix.diff');
    expect(p?.subject).toBe('fix.diff');
    expect(p?.files[0]?.hunks[0]?.lines).toEqual([' a', '-b', '+c']);
  });

  it('takes a context line whose space a mailer stripped, and marks binary diffs', () => {
    const [p] = parsePatches('diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\ndiff --git a/img.png b/img.png\nBinary files a/img.png and b/img.png differ\n', 'p');
    expect(p?.files[0]?.hunks[0]?.lines).toEqual([' a', ' ', '-b', '+c']);
    expect(p?.files[1]).toMatchObject({ newPath: 'img.png', binary: true });
  });

  it('strips the first component of two trees\' paths as patch -p1 does, and keeps paths under one directory (found in review)', () => {
    const paths = (old: string, now: string) => {
      const f = parsePatches(`--- ${old}\t2026-01-01 00:00:00\n+++ ${now}\t2026-01-01 00:00:00\n${hunk}`, 'p')[0]?.files[0];
      return [f?.oldPath, f?.newPath];
    };
    expect(paths('linux.orig/drivers/frame.c', 'linux/drivers/frame.c')).toEqual(['drivers/frame.c', 'drivers/frame.c']);
    expect(paths('a/drivers/frame.c', 'b/drivers/frame.c')).toEqual(['drivers/frame.c', 'drivers/frame.c']);
    expect(paths('drivers/frame.c.orig', 'drivers/frame.c')).toEqual(['drivers/frame.c.orig', 'drivers/frame.c']);
    expect(paths('/dev/null', 'b/drivers/new.c')).toEqual([undefined, 'drivers/new.c']);
  });

  it('keeps git\'s paths whole under --no-prefix, and strips every file of a diff of two trees alike (found in review)', () => {
    const [renamed] = parsePatches('diff --git drivers/foo/x.c arch/foo/x.c\nsimilarity index 90%\nrename from drivers/foo/x.c\nrename to arch/foo/x.c\n--- drivers/foo/x.c\n+++ arch/foo/x.c\n' + hunk, 'np.diff');
    expect(renamed?.files.map((f) => [f.oldPath, f.newPath])).toEqual([['drivers/foo/x.c', 'arch/foo/x.c']]);
    const [trees] = parsePatches(`--- linux.orig/drivers/a.c\n+++ linux/drivers/a.c\n${hunk}--- /dev/null\n+++ linux/drivers/new.c\n@@ -0,0 +1 @@\n+x\n`, 'q.diff');
    expect(trees?.files.map((f) => [f.oldPath, f.newPath])).toEqual([['drivers/a.c', 'drivers/a.c'], [undefined, 'drivers/new.c']]);
  });

  it('patches the name of a plain diff the tree has, as patch(1) picks it (found in review: the .orig name was read)', () => {
    const plain = (old: string, now: string) => parsePatches(`--- ${old}\t2026-01-01 00:00:00\n+++ ${now}\t2026-01-01 00:00:00\n${hunk}`, 'p')[0]?.files[0] as FilePatch;
    const target = (fp: FilePatch, have: string[]) => { const t = patchTarget(fp, (p) => (have.includes(p) ? 'x' : undefined)); return [t.oldPath, t.newPath]; };
    const orig = plain('drivers/frame.c.orig', 'drivers/frame.c');
    expect(target(orig, ['drivers/frame.c'])).toEqual(['drivers/frame.c', 'drivers/frame.c']);
    expect(target(orig, ['drivers/frame.c.orig'])).toEqual(['drivers/frame.c.orig', 'drivers/frame.c.orig']);
    expect(target(orig, ['drivers/frame.c', 'drivers/frame.c.orig'])).toEqual(['drivers/frame.c', 'drivers/frame.c']); // the shorter base name
    expect(target(orig, [])).toEqual(['drivers/frame.c.orig', 'drivers/frame.c']); // neither: said as it is
    // An absolute new name is no tree of its own: the relative one is kept whole and patched.
    const abs = plain('drivers/frame.c', '/home/me/linux/drivers/frame.c');
    expect(target(abs, ['drivers/frame.c'])).toEqual(['drivers/frame.c', 'drivers/frame.c']);
    // A git diff names what it renames.
    const git = parsePatches(`diff --git a/x.c b/y.c\nrename from x.c\nrename to y.c\n--- a/x.c\n+++ b/y.c\n${hunk}`, 'g')[0]?.files[0] as FilePatch;
    expect(target(git, ['x.c'])).toEqual(['x.c', 'y.c']);
  });

  it('says which hunk is cut short', () => {
    expect(() => parsePatches('--- a/x.c\n+++ b/x.c\n@@ -1,5 +1,5 @@\n a\n', 'cut.patch')).toThrow(/cut\.patch: x\.c: hunk "@@ -1,5 \+1,5 @@" ends early/);
  });
});

describe('readPatches', () => {
  const mail = (subject: string, headers: string, body: string): string =>
    `From ${'a'.repeat(40)} Mon Sep 17 00:00:00 2001\nFrom: Dev <d@example.org>\nSubject: ${subject}\n${headers}\n${body}`;
  const diff = `---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n${hunk}`;

  it('reads the other patches of a series when one cannot be read, and says which (found in review)', () => {
    const broken = mail('[PATCH 2/2] broken', '', '---\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,4 @@\n a\n-b\n+c\n-- \n2.39.5\n');
    const r = readPatches(mail('[PATCH 1/2] fine', '', diff) + broken, 's.mbox');
    expect(r.patches.map((p) => p.subject)).toEqual(['fine']);
    expect(r.errors).toEqual(['s.mbox (message 2): x.c: unexpected line in hunk "@@ -1,3 +1,4 @@": "2.39.5"']);
    expect(() => parsePatches(broken, 'one.patch')).toThrow(/one\.patch: x\.c: unexpected line in hunk/);
  });

  it('decodes a body sent base64 or quoted-printable, as git am does (found in review)', () => {
    const b64 = readPatches(mail('[PATCH] b64', 'Content-Transfer-Encoding: base64\n', `${Buffer.from(diff).toString('base64').replace(/(.{60})/g, '$1\n')}\n`), 'b64.patch');
    expect(b64.errors).toEqual([]);
    expect(b64.patches[0]?.files[0]?.hunks[0]?.lines).toEqual([' a', '-b', '+c']);
    // A soft line break inside a long line, a byte escaped, and UTF-8 in a comment.
    const qpDiff = `---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c; /* stays requ=\nested, J=C3=B6rg =3D 1 */\n`;
    const qp = readPatches(mail('[PATCH] qp', 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n', qpDiff), 'qp.patch');
    expect(qp.errors).toEqual([]);
    expect(qp.patches[0]?.files[0]?.hunks[0]?.lines).toEqual([' a', '-b', '+c; /* stays requested, Jörg = 1 */']);
    expect(readPatches(mail('[PATCH] bad', 'Content-Transfer-Encoding: base64\n', 'not base64 at all!\n'), 'bad.patch').errors).toEqual(['bad.patch: the body is not valid base64']);
  });
});

describe('splitSubject', () => {
  it('separates the prefix and finds the series place', () => {
    expect(splitSubject('[RFC PATCH v2 05/11] mm: x')).toEqual({ prefix: '[RFC PATCH v2 05/11]', subject: 'mm: x', series: { index: 5, total: 11, version: 2 } });
    expect(splitSubject('Re: no prefix')).toEqual({ prefix: '', subject: 'Re: no prefix' });
  });
});
