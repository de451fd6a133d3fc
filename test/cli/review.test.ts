// `iomem-lens review` as users run it: patch files against a tree, a series with a patch that
// does not apply, and --git inside a checkout.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');

// A driver whose error path releases its region (test/fixtures/review/frame.c); the patch under
// review drops the release (frame-drop-release.diff).
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'review');
const before = fs.readFileSync(path.join(FIXTURES, 'frame.c'), 'utf8');
const after = before.replace('\tif (!base) {\n\t\trelease_mem_region(frame->start, frame->size);\n\t\treturn -ENXIO;\n\t}\n', '\tif (!base)\n\t\treturn -ENXIO;\n');
const drop = `From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Subject: [PATCH 1/2] frame: simplify the ioremap() error path

---
diff --git a/drivers/frame.c b/drivers/frame.c
${fs.readFileSync(path.join(FIXTURES, 'frame-drop-release.diff'), 'utf8')}`;
const stale = `From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Subject: [PATCH 2/2] frame: something on code that is not there

---
diff --git a/drivers/frame.c b/drivers/frame.c
--- a/drivers/frame.c
+++ b/drivers/frame.c
@@ -1,3 +1,3 @@
-static int frame_probe(void)
+static int frame_probe(struct device *dev)
 {
 \treturn 0;
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-review-'));
  fs.mkdirSync(path.join(dir, 'drivers'));
  fs.writeFileSync(path.join(dir, 'drivers', 'frame.c'), before);
  fs.writeFileSync(path.join(dir, 'series.mbox'), stale + drop);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'review', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('review', () => {
  it('quotes the hunk that introduces a finding, names the patch that does not apply, and exits 1', () => {
    const r = run(['series.mbox', '--tree', '.']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[PATCH 1/2] frame: simplify the ioremap() error path\nFrom: A Developer <dev@example.org>\n');
    expect(r.stdout).toContain('  Introduces resource-leak in frame_register():\n\n  > @@ -5,10 +5,8 @@ static int frame_register(struct frame *frame)\n');
    expect(r.stdout).toContain('  > -\t\trelease_mem_region(frame->start, frame->size);\n');
    expect(r.stdout).toMatch(/ {2}drivers\/frame\.c:9:3: warning: the region request_mem_region\(\) requested at line 5 .* \[resource-leak\]\n {2}drivers\/frame\.c:5:7: note: 1\. /);
    expect(r.stdout).toContain('  error: does not apply: drivers/frame.c: hunk #1 (@@ -1,3 +1,3 @@) does not apply');
    expect(r.stdout).toMatch(/2 patches: 1 finding introduced, 0 fixed, 1 did not apply\.\n$/);
    expect(r.stderr).toMatch(/^iomem-lens: series\.mbox \(message 1\): "frame: something on code that is not there" does not apply: drivers\/frame\.c: hunk #1/m);
  });

  it('prints byte columns, as check\'s text output does (found in review: UTF-16 units)', () => {
    const tree = path.join(dir, 'bytes');
    fs.mkdirSync(path.join(tree, 'drivers'), { recursive: true });
    const withAccents = (t: string) => t.replace('\tif (!base)\n\t\treturn -ENXIO;\n', '\tif (!base)\n\t\t/* \u00e9\u00e9\u00e9 */ return -ENXIO;\n');
    fs.writeFileSync(path.join(tree, 'drivers', 'frame.c'), before);
    const a = withAccents(after);
    expect(a).not.toBe(after);
    const oldLines = before.replace(/\n$/, '').split('\n');
    const newLines = a.replace(/\n$/, '').split('\n');
    fs.writeFileSync(path.join(tree, 'p.diff'), ['--- a/drivers/frame.c', '+++ b/drivers/frame.c', `@@ -1,${oldLines.length} +1,${newLines.length} @@`, ...oldLines.map((l) => `-${l}`), ...newLines.map((l) => `+${l}`), ''].join('\n'));
    const r = run(['p.diff'], tree);
    const line = newLines.findIndex((l) => l.includes('return -ENXIO')) + 1;
    expect(r.stdout).toContain(`drivers/frame.c:${line}:${Buffer.byteLength('\t\t/* \u00e9\u00e9\u00e9 */ ') + 1}: warning: `);
  });

  it('says which patches of a numbered series are missing (found in review: said nothing)', () => {
    fs.writeFileSync(path.join(dir, 'gap.mbox'), (stale + drop).replace('[PATCH 2/2]', '[PATCH 3/3]').replace('[PATCH 1/2]', '[PATCH 1/3]'));
    const r = run(['gap.mbox']);
    expect(r.stderr).toContain('iomem-lens: the series is missing patch 2/3: the patches after it are reviewed on a tree without it');
    expect(run(['series.mbox']).stderr).not.toContain('missing');
  });

  it('reports in JSON with the finding objects of check, and in SARIF with baseline states', () => {
    const json = JSON.parse(run(['series.mbox', '--format', 'json']).stdout) as { patches: Record<string, unknown>[] };
    expect(json.patches.map((p) => p.subject)).toEqual(['frame: simplify the ioremap() error path', 'frame: something on code that is not there']);
    const [first, second] = json.patches as [Record<string, unknown>, Record<string, unknown>];
    expect(first).toMatchObject({ files: ['drivers/frame.c'], fixed: [], unchanged: [], applied: { offsets: [], fuzz: [] } });
    expect(first.introduced).toEqual([expect.objectContaining({ rule: 'resource-leak', file: 'drivers/frame.c', line: 9, column: 3, function: 'frame_register', trace: expect.any(Array) })]);
    expect(second.error).toMatch(/^drivers\/frame\.c: hunk #1/);
    const sarif = JSON.parse(run(['series.mbox', '--format', 'sarif']).stdout) as { runs: { results: { ruleId: string; baselineState: string }[] }[] };
    expect(sarif.runs[0]?.results.map((r) => `${r.ruleId}:${r.baselineState}`)).toEqual(['resource-leak:new']);
  });

  it('reviews the commits of a range in a git checkout against the range\'s base', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'drivers'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'drivers', 'frame.c'), before);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    fs.writeFileSync(path.join(repo, 'drivers', 'frame.c'), after);
    git('commit', '-q', '-am', 'frame: simplify the ioremap() error path');
    // The working tree moves on: the review reads the files from git, not from disk.
    fs.writeFileSync(path.join(repo, 'drivers', 'frame.c'), 'garbage\n');
    const r = run(['--git', 'HEAD~1..HEAD'], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[PATCH\] frame: simplify the ioremap\(\) error path\n/);
    expect(r.stdout).toContain('Introduces resource-leak in frame_register()');
    const reverse = run(['--git', 'HEAD~1..HEAD', '--format', 'json'], repo);
    expect(JSON.parse(reverse.stdout).patches).toHaveLength(1);
    expect(run(['--git', 'nonsense..HEAD'], repo)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^iomem-lens: git rev-list --reverse nonsense\.\.HEAD: /) });
    // A commit with no hunks keeps its place in the numbering, said (found in review: it vanished).
    git('checkout', '-q', '--', 'drivers/frame.c');
    fs.chmodSync(path.join(repo, 'drivers', 'frame.c'), 0o755);
    git('commit', '-q', '-am', 'frame: make it executable');
    const modes = run(['--git', 'HEAD~2..HEAD'], repo);
    expect(modes.stdout).toMatch(/^\[PATCH 1\/2\] frame: simplify the ioremap\(\) error path\n/);
    expect(modes.stderr).toContain('[PATCH 2/2] frame: make it executable: no diff hunks (a mode change, a binary file or an empty commit): nothing to review');
    git('reset', '-q', '--hard', 'HEAD~1');
    fs.writeFileSync(path.join(repo, 'drivers', 'frame.c'), 'garbage\n');
    // git's notations for one commit, and a single revision, review that commit (found in review: X^! was mangled).
    for (const one of ['HEAD^!', 'HEAD^-1', 'HEAD']) {
      const single = run(['--git', one, '--format', 'json'], repo);
      expect(single.code, one).toBe(1);
      expect(JSON.parse(single.stdout).patches.map((p: { subject: string }) => p.subject), one).toEqual(['frame: simplify the ioremap() error path']);
    }
  });

  it('reports what a patch to a static helper introduces in the caller that runs it (found in review)', () => {
    const tree = path.join(dir, 'helper');
    fs.mkdirSync(path.join(tree, 'drivers'), { recursive: true });
    const helper = 'static void frame_unmap(struct frame *frame)\n{\n\trelease_mem_region(frame->start, frame->size);\n}\n\n';
    const caller = before.replace('\t\trelease_mem_region(frame->start, frame->size);\n', '\t\tframe_unmap(frame);\n');
    expect(caller).not.toBe(before);
    const release = '\trelease_mem_region(frame->start, frame->size);';
    const log = '\tpr_info("unmap\\n");';
    /** The helper's body line `from` replaced by `to`, as a diff of the tree. */
    const helperDiff = (from: string, to: string): string => [
      '--- a/drivers/frame.c', '+++ b/drivers/frame.c', '@@ -1,4 +1,4 @@', ' static void frame_unmap(struct frame *frame)', ' {', `-${from}`, `+${to}`, ' }', '',
    ].join('\n');
    fs.writeFileSync(path.join(tree, 'drivers', 'frame.c'), helper + caller);
    fs.writeFileSync(path.join(tree, 'helper.diff'), helperDiff(release, log));
    const r = run(['helper.diff'], tree);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  Introduces resource-leak in frame_register():\n\n  > @@ -1,4 +1,4 @@\n');
    // The way back fixes it, and findings of functions the patch does not touch are not listed as still there.
    fs.writeFileSync(path.join(tree, 'drivers', 'frame.c'), helper.replace(release, log) + caller);
    fs.writeFileSync(path.join(tree, 'back.diff'), helperDiff(log, release));
    const back = run(['back.diff'], tree);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('  Fixes resource-leak in frame_register()');
    expect(back.stdout).not.toContain('Still there');
  });

  it('quotes a long hunk around the finding only, as a reviewer trims a quote (found in review: a new file quoted whole)', () => {
    const tree = path.join(dir, 'newfile');
    fs.mkdirSync(tree, { recursive: true });
    // A new file: many functions without findings, then the one with the leak.
    const filler = Array.from({ length: 40 }, (_, i) => `static int filler_${i}(void)\n{\n\treturn ${i};\n}\n`).join('\n');
    const text = `${filler}\n${after}`;
    const lines = text.replace(/\n$/, '').split('\n');
    fs.writeFileSync(path.join(tree, 'new.diff'), ['--- /dev/null', '+++ b/drivers/new.c', `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n'));
    const r = run(['new.diff'], tree);
    expect(r.code).toBe(1);
    const quoted = r.stdout.split('\n').filter((l) => l.startsWith('  > '));
    expect(quoted.length).toBeLessThan(24);
    expect(quoted[1]).toBe('  > [...]');
    const leak = /^ *drivers\/new\.c:(\d+):/m.exec(r.stdout.split('Introduces resource-leak')[1] ?? '')?.[1];
    expect(quoted.some((l) => l === `  > +${lines[Number(leak) - 1]}`)).toBe(true);
  });

  it('reviews each commit of a range with merges against its own parent, and none outside the range (found in review)', () => {
    const repo = path.join(dir, 'merges');
    fs.mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    const file = path.join(repo, 'frame.c');
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(file, before);
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'side');
    fs.appendFileSync(file, '/* side */\n');
    git('commit', '-q', '-am', 'side: a comment');
    git('checkout', '-q', 'main');
    // Outside HEAD~2..HEAD below (it is HEAD~2 itself): the old review applied it as patch 2/3.
    fs.writeFileSync(file, after);
    git('commit', '-q', '-am', 'frame: outside the range');
    git('merge', '-q', '--no-edit', 'side');
    fs.appendFileSync(file, '/* after */\n');
    git('commit', '-q', '-am', 'after: another comment');
    const r = run(['--git', 'HEAD~2..HEAD'], repo);
    expect(r.code).toBe(0);
    expect([...r.stdout.matchAll(/^\[PATCH [^\]]*\] .*$/gm)].map((m) => m[0])).toEqual(['[PATCH 1/2] side: a comment', '[PATCH 2/2] after: another comment']);
    expect(r.stdout).not.toContain('outside the range');
    expect(r.stdout).not.toContain('Introduces');
    expect(r.stderr).toContain('iomem-lens: --git HEAD~2..HEAD: 1 merge commit not reviewed (each other commit is reviewed against its own parent)\n');
    // A lone merge commit reviews nothing: not a clean review; a revision that is no commit is said to be none (found in review).
    expect(run(['--git', 'HEAD~1'], repo).code).toBe(2);
    expect(run(['--git', 'HEAD:frame.c'], repo)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^iomem-lens: --git HEAD:frame\.c: not a commit or a range of commits\n/) });
  });

  it('keeps a finding of a function the patch renames as still there (found in review: fixed and introduced again)', () => {
    const tree = path.join(dir, 'rename');
    fs.mkdirSync(path.join(tree, 'drivers'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'drivers', 'frame.c'), after);
    const line = after.split('\n').findIndex((l) => l.startsWith('static int frame_register(')) + 1;
    fs.writeFileSync(path.join(tree, 'rename.diff'), [
      '--- a/drivers/frame.c', '+++ b/drivers/frame.c', `@@ -${line},2 +${line},2 @@`,
      '-static int frame_register(struct frame *frame)', '+static int frame_setup(struct frame *frame)', ' {', '',
    ].join('\n'));
    const r = run(['rename.diff'], tree);
    expect(r.stdout).toContain('Still there: resource-leak in frame_setup()');
    expect(r.stdout).toMatch(/0 findings introduced, 0 fixed\.\n$/);
    expect(r.code).toBe(0);
  });

  it('names a fixed finding of a renamed file by its old path, and a missing file by the path the patch reads (found in review)', () => {
    const repo = path.join(dir, 'renamed');
    fs.mkdirSync(path.join(repo, 'drivers'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    fs.writeFileSync(path.join(repo, 'drivers', 'a.c'), after);
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('mv', 'drivers/a.c', 'drivers/b.c');
    fs.writeFileSync(path.join(repo, 'drivers', 'b.c'), before);
    git('commit', '-q', '-am', 'frame: rename, and release on the error path');
    const r = run(['--git', 'HEAD~1..HEAD'], repo);
    expect(r.stdout).toContain('Fixes resource-leak in frame_register() (was drivers/a.c:9:3).');
    fs.writeFileSync(path.join(repo, 'rename.patch'), git('format-patch', '-1', '--stdout', 'HEAD'));
    const empty = path.join(repo, 'empty');
    fs.mkdirSync(empty);
    const missing = run([path.join(repo, 'rename.patch'), '--tree', empty]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('error: does not apply: drivers/a.c: ');
  });

  it('keeps a once-per-file finding that moves to another function as still there, not introduced (found in review)', () => {
    const tree = path.join(dir, 'moves');
    fs.mkdirSync(tree);
    const reader = (name: string, load: string) => `unsigned long ${name}(void)\n{\n\treturn ${load}->i_ino;\n}\n\n`;
    const file = (first: string) => `static struct inode *iomem_inode;\n\n${reader('early_ino', first)}${reader('late_ino', 'iomem_inode')}` +
      'static void revoke(void)\n{\n\tstruct inode *inode = smp_load_acquire(&iomem_inode);\n\n\tif (inode)\n\t\tg(inode);\n}\n\n' +
      'static int __init init_inode(struct super_block *sb)\n{\n\tsmp_store_release(&iomem_inode, alloc_anon_inode(sb));\n\treturn 0;\n}\n';
    fs.writeFileSync(path.join(tree, 'pub.c'), file('iomem_inode'));
    fs.writeFileSync(path.join(tree, 'fix-first.diff'), ['--- a/pub.c', '+++ b/pub.c', '@@ -5,3 +5,3 @@', ' {', '-\treturn iomem_inode->i_ino;', '+\treturn READ_ONCE(iomem_inode)->i_ino;', ' }', ''].join('\n'));
    expect(file('READ_ONCE(iomem_inode)')).toContain('\treturn READ_ONCE(iomem_inode)->i_ino;');
    const r = run(['fix-first.diff'], tree);
    expect(r.stdout).not.toContain('Introduces');
    expect(r.stdout).not.toContain('Fixes');
    expect(r.code).toBe(0);
  });

  it('skips a cover letter without a word, and exits 2 only when no input holds a patch (found in review)', () => {
    const tree = path.join(dir, 'cover');
    fs.mkdirSync(path.join(tree, 'drivers'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'drivers', 'frame.c'), before);
    fs.writeFileSync(path.join(tree, '0000-cover-letter.patch'), 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A Developer <dev@example.org>\nSubject: [PATCH 0/1] frame: a comment\n\nWhy.\n');
    fs.writeFileSync(path.join(tree, '0001-comment.patch'), 'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/1] frame: a comment\n\n---\n' +
      ['--- a/drivers/frame.c', '+++ b/drivers/frame.c', '@@ -1,3 +1,4 @@', '+/* frame */', ' static int frame_register(struct frame *frame)', ' {', ' \tvoid __iomem *base;', ''].join('\n'));
    expect(run(['0000-cover-letter.patch', '0001-comment.patch'], tree)).toMatchObject({ code: 0, stderr: '' });
    expect(run(['0000-cover-letter.patch'], tree).code).toBe(2);
  });

  it('applies a patch at an offset and with fuzz as patch does, and says so', () => {
    const moved = path.join(dir, 'moved');
    fs.mkdirSync(path.join(moved, 'drivers'), { recursive: true });
    // Two lines more above the function, and the last context line of the hunk changed.
    fs.writeFileSync(path.join(moved, 'drivers', 'frame.c'), `#include <linux/io.h>\n\n${before.replace('\treturn 0;\n}', '\treturn 0;\n} /* frame_register */')}`);
    const r = run([path.join(dir, 'series.mbox'), '--tree', moved]);
    expect(r.stdout).toContain('  applied with drivers/frame.c hunk #1 at offset +2 lines, drivers/frame.c hunk #1 with fuzz 1\n');
    expect(r.stdout).toContain('Introduces resource-leak in frame_register()');
    const json = JSON.parse(run([path.join(dir, 'series.mbox'), '--tree', moved, '--format', 'json']).stdout) as { patches: { applied: unknown }[] };
    expect(json.patches[0]?.applied).toEqual({ offsets: [{ file: 'drivers/frame.c', hunk: 1, lines: 2 }], fuzz: [{ file: 'drivers/frame.c', hunk: 1, fuzz: 1 }] });
  });

  it('says what is wrong with its arguments and its input', () => {
    expect(run([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/review needs patch files/) });
    expect(run(['missing.patch'])).toMatchObject({ code: 2, stderr: 'iomem-lens: missing.patch: cannot read (ENOENT)\n' });
    fs.writeFileSync(path.join(dir, 'prose.txt'), 'just words\n');
    // A file with no patch in it is the wrong file, not a clean review (found in review: it exited 0).
    expect(run(['prose.txt'])).toMatchObject({ code: 2, stderr: 'iomem-lens: prose.txt: no patch in it (no unified diff hunks)\n' });
    // One patch of a series that cannot be read leaves the others reviewed (found in review).
    fs.writeFileSync(path.join(dir, 'broken.mbox'), drop + stale.replace('@@ -1,3 +1,3 @@', '@@ -1,3 +1,9 @@').replace('[PATCH 2/2]', '[PATCH 2/2]') + '-- \n2.39.5\n');
    const broken = run(['broken.mbox']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Introduces resource-leak in frame_register()');
    expect(broken.stderr).toMatch(/^iomem-lens: broken\.mbox \(message 2\): drivers\/frame\.c: hunk "@@ -1,3 \+1,9 @@" /m);
    // A range that git would take for an option (found in review: it created the file).
    const injected = path.join(dir, 'injected..HEAD');
    expect(run([`--git=--output=${injected}`])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--git --output=.*: expected a revision range/) });
    expect(fs.existsSync(injected)).toBe(false);
  });
});
