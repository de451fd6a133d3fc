// `iomem-lens check` as users run it: the built CLI in a child process.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const kmem = path.join('examples', 'kmem_like.c');
const reserve = path.join('examples', 'reserve_only.c');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-test-'));
}

const noStack = (s: string): void => expect(s).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('check', () => {
  it('prints one gcc-style line per finding and exits 1', () => {
    const r = run('check', kmem);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => /\[([a-z-]+)\]$/.exec(l)?.[1])).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(lines[0]).toMatch(/^examples\/kmem_like\.c:\d+:\d+: warning: BUSY is cleared on the region requested at line \d+ .* \[resource-busy-window\]$/);
  });

  it('adds the trace as note: lines with --trace', () => {
    const r = run('check', '--trace', '--rule', 'resource-busy-window', kmem);
    const notes = r.stdout.trim().split('\n').slice(1);
    expect(notes).toHaveLength(4);
    for (const n of notes) expect(n).toMatch(/^examples\/kmem_like\.c:\d+:\d+: note: \d\. /);
    expect(notes[2]).toMatch(/\(racing actor\)/);
  });

  it('exits 0 and prints nothing on code without findings', () => {
    const r = run('check', reserve);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('writes the documented JSON schema', () => {
    const r = run('check', '--format', 'json', kmem, reserve);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.tool).toEqual({ name: 'iomem-lens', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(j.profile).toEqual({ kernel: '6.12', arch: 'x86_64' });
    expect(j.findings.map((x: { rule: string }) => x.rule)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    const f = j.findings[0];
    expect(Object.keys(f).sort()).toEqual(['column', 'endColumn', 'endLine', 'file', 'function', 'line', 'message', 'rule', 'severity', 'trace'].sort());
    expect(f).toMatchObject({ rule: 'resource-busy-window', severity: 'warning', file: kmem, function: 'example_probe' });
    const text = fs.readFileSync(path.join(ROOT, kmem), 'utf8').split('\n');
    expect(text[f.line - 1]?.slice(f.column - 1)).toMatch(/^res->flags = IORESOURCE_SYSTEM_RAM/);
    expect(f.trace[0]).toEqual({ file: kmem, line: expect.any(Number), column: expect.any(Number), message: expect.any(String), actor: 'owner' });
    expect(text[f.trace[0].line - 1]?.slice(f.trace[0].column - 1)).toMatch(/^request_mem_region\(/);
    // Every entry has an actor, not only those of a race (found in review).
    expect(j.findings[1].trace.every((t: { actor?: string }) => t.actor === 'owner')).toBe(true);
    expect(j.stats).toMatchObject({ files: 2, skipped: [], ms: expect.any(Number) });
    expect(j.stats.parsed + j.stats.reused).toBe(2); // parsed now, or given back by an earlier run's index
  });

  it('counts the text format\'s columns in bytes, as gcc -fdiagnostics-column-unit=byte and clang do (found in review)', () => {
    const dir = tmpdir();
    const file = path.join(dir, 'na.c');
    fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, kmem), 'utf8').replace('\tres->flags = IORESOURCE_SYSTEM_RAM;', '\t/* \u00fc\u20ac\u{1F600} */ res->flags = IORESOURCE_SYSTEM_RAM;'));
    const r = run('check', '--no-cache', '--trace', file);
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('res->flags =')) + 1;
    const bytes = Buffer.byteLength('\t/* \u00fc\u20ac\u{1F600} */ ', 'utf8') + 1;
    expect(bytes).toBe(18);
    expect(r.stdout).toContain(`${file}:${line}:${bytes}: warning: `);
    const json = JSON.parse(run('check', '--no-cache', '--format', 'json', file).stdout);
    expect(json.findings[0]).toMatchObject({ line, column: 13 }); // UTF-16 units, as LSP and SARIF count
    // A byte that is no UTF-8 (a Latin-1 comment) is one byte (found in review: counted as three).
    const latin1 = path.join(dir, 'l1.c');
    const src = fs.readFileSync(path.join(ROOT, kmem), 'utf8').replace('\tres->flags = IORESOURCE_SYSTEM_RAM;', '\t/* \u00e9 */ res->flags = IORESOURCE_SYSTEM_RAM;');
    fs.writeFileSync(latin1, Buffer.from(src, 'latin1'));
    expect(run('check', '--no-cache', latin1).stdout).toContain(`${latin1}:${line}:${Buffer.byteLength('\t/* x */ ') + 1}: warning: `);
  });

  it('writes SARIF 2.1.0 with the trace as a code flow', () => {
    const r = run('check', '--format', 'sarif', kmem);
    const s = JSON.parse(r.stdout);
    expect(s.version).toBe('2.1.0');
    const run0 = s.runs[0];
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('resource-busy-window');
    expect(run0.results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(run0.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('examples/kmem_like.c');
    expect(run0.results[0].codeFlows[0].threadFlows[0].locations).toHaveLength(4);
    // No address of the machine that ran it: the rule's page travels as its help (found in review).
    expect(r.stdout).not.toContain('file://');
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'resource-busy-window');
    expect(rule.helpUri).toBeUndefined();
    expect(rule.help.text).toMatch(/^BUSY cleared/);
    expect(rule.help.markdown).toMatch(/^# resource-busy-window\n[\s\S]*## Why/);
  });

  it('takes --rule and --disable', () => {
    expect(run('check', '--disable', 'resource-busy-window', '--disable', 'resource-flags-clobber', kmem).code).toBe(0);
    const only = run('check', '--rule', 'resource-busy-window', kmem);
    expect(only.code).toBe(1);
    expect(only.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('reads the profile from the options and refuses bad values with exit 2 and no stack trace', () => {
    const j = JSON.parse(run('check', '--format=json', '--kernel', '6.1', '--arch', 'arm64', reserve).stdout);
    expect(j.profile).toEqual({ kernel: '6.1', arch: 'arm64' });
    for (const bad of [['--kernel', 'banana'], ['--arch', 'vax'], ['--format', 'xml'], ['--rule', 'nope'], ['--bogus'], ['--path-bound', '-4']]) {
      const r = run('check', ...bad, kmem);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^iomem-lens: /);
      noStack(r.stderr);
    }
    const none = run('check');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one file/);
  });

  it('reports a missing path, still checks the others, and exits 2', () => {
    const r = run('check', 'no/such/file.c', kmem);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/file\.c: no such file or directory/);
    expect(r.stdout).toMatch(/\[resource-busy-window\]/);
  });

  it('skips binary files and symbolic links with a note', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0]));
    fs.copyFileSync(path.join(ROOT, kmem), path.join(dir, 'kmem.c'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const r = run('check', '--format', 'json', dir);
    const j = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(j.findings).toHaveLength(2);
    expect(j.stats.skipped).toEqual(expect.arrayContaining([
      { file: path.join(dir, 'blob.c'), reason: expect.stringMatching(/^binary file/) },
      { file: path.join(dir, 'loop'), reason: 'symbolic link, not followed' },
    ]));
    expect(r.stderr).toMatch(/blob\.c: skipped: binary file/);
  });

  it('spreads a directory over worker threads with the same results as one thread', () => {
    const dir = tmpdir();
    for (let i = 0; i < 40; i++) fs.copyFileSync(path.join(ROOT, i % 2 ? kmem : reserve), path.join(dir, `f${String(i).padStart(2, '0')}.c`));
    const two = JSON.parse(run('check', '--format', 'json', '-j', '2', dir).stdout);
    const one = JSON.parse(run('check', '--format', 'json', '-j', '0', dir).stdout);
    expect(two.findings).toHaveLength(40);
    expect(two.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(one.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`));
    expect(two.stats.files).toBe(40);
  });

  it('keeps every file of a directory larger than the workers\' claims, in order', () => {
    // More files than the workers claim at once (smaller claims towards the end, results sent
    // back in groups): none is lost or doubled, and the report is in file order.
    const dir = tmpdir();
    const names = Array.from({ length: 700 }, (_, i) => `f${String(i).padStart(3, '0')}.c`);
    names.forEach((n, i) => {
      if (i % 100 === 7) fs.copyFileSync(path.join(ROOT, kmem), path.join(dir, n));
      else fs.writeFileSync(path.join(dir, n), `int v${i};\n`);
    });
    const two = JSON.parse(run('check', '--format', 'json', '-j', '2', '--no-cache', dir).stdout);
    const one = JSON.parse(run('check', '--format', 'json', '-j', '0', '--no-cache', dir).stdout);
    expect(two.stats.files).toBe(700);
    expect(two.findings.map((f: { file: string; line: number; rule: string }) => `${path.basename(f.file)}:${f.line}:${f.rule}`))
      .toEqual(one.findings.map((f: { file: string; line: number; rule: string }) => `${path.basename(f.file)}:${f.line}:${f.rule}`));
    expect(new Set(two.findings.map((f: { file: string }) => path.basename(f.file)))).toEqual(new Set(names.filter((_, i) => i % 100 === 7)));
  });

  it('checks a file larger than a megabyte on the workers, to its last line', () => {
    // The workers read into a scratch buffer; a large file once got a buffer of its own. Either
    // way the finding at its end is found, as one thread finds it.
    const dir = tmpdir();
    const filler = Array.from({ length: 60_000 }, (_, i) => `static int pad_${i};`).join('\n');
    fs.writeFileSync(path.join(dir, 'big.c'), `${filler}\n${fs.readFileSync(path.join(ROOT, kmem), 'utf8')}`);
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `f${i}.c`), `int v${i};\n`);
    expect(fs.statSync(path.join(dir, 'big.c')).size).toBeGreaterThan(1 << 20);
    const two = JSON.parse(run('check', '--format', 'json', '-j', '2', '--no-cache', dir).stdout);
    const one = JSON.parse(run('check', '--format', 'json', '-j', '0', '--no-cache', dir).stdout);
    expect(two.findings.length).toBeGreaterThan(0);
    expect(two.findings.every((f: { file: string; line: number }) => path.basename(f.file) === 'big.c' && f.line > 60_000)).toBe(true);
    expect(two.findings).toEqual(one.findings);
  });

  it('lists the rules and prints help and version', () => {
    expect(run('rules').stdout).toMatch(/^resource-busy-window\s+warning\s+/m);
    expect(run('--help').stdout).toMatch(/usage: iomem-lens/);
    expect(run('--version').stdout).toMatch(/^iomem-lens \d+\.\d+\.\d+/);
    const bad = run('frobnicate');
    expect(bad.code).toBe(2);
    noStack(bad.stderr);
  });

  it('stops quietly when the reader closes the pipe early (| head)', async () => {
    for (const args of [['triggers'], ['check', '--trace', kmem]]) {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // closed before the CLI writes its first line
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(args[0] === 'check' ? 1 : 0);
    }
  });
  it('says so in one line and exits 2 when the output cannot be written (found in review: a stack trace and status 1)', () => {
    for (const args of [['rules'], ['check', '--no-cache', kmem], ['simulate', `${kmem}:example_probe`]]) {
      const out = fs.openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
      fs.closeSync(out);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^iomem-lens: fatal: cannot write the output: ENOSPC/);
      noStack(r.stderr);
    }
  });
});

describe('operands (found in review)', () => {
  it('checks a file named by overlapping operands once', () => {
    const dir = tmpdir();
    fs.mkdirSync(path.join(dir, 'd'));
    fs.copyFileSync(path.join(ROOT, kmem), path.join(dir, 'd', 'k.c'));
    const r = spawnSync(process.execPath, [CLI, 'check', '--no-cache', '--format', 'json', 'd', 'd/k.c', './d'], { cwd: dir, encoding: 'utf8' });
    const out = JSON.parse(r.stdout) as { findings: { rule: string }[]; stats: { files: number } };
    expect(out.findings.map((f) => f.rule)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(out.stats.files).toBe(1);
    // A link to a directory also named is the same directory; a link skipped under both is noted once.
    fs.symlinkSync('d', path.join(dir, 'dl'));
    fs.symlinkSync('k.c', path.join(dir, 'd', 'kl.c'));
    const linked = spawnSync(process.execPath, [CLI, 'check', '--no-cache', '--format', 'json', 'd', 'dl', './d/'], { cwd: dir, encoding: 'utf8' });
    const j = JSON.parse(linked.stdout) as { findings: unknown[]; stats: { files: number; skipped: { file: string }[] } };
    expect(j.stats.files).toBe(1);
    expect(j.findings).toHaveLength(2);
    expect(j.stats.skipped.map((x) => x.file)).toEqual([path.join('d', 'kl.c')]);
  });

  it('exits 2 for a named file or directory it cannot read, as for a missing one, and skips those found under a directory', () => {
    const dir = tmpdir();
    fs.chmodSync(dir, 0o755);
    fs.copyFileSync(path.join(ROOT, kmem), path.join(dir, 'b.c'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.chmodSync(path.join(dir, 'b.c'), 0o000);
    fs.chmodSync(path.join(dir, 'sub'), 0o000);
    // As a user the modes apply to: root reads anything (setpriv is util-linux's, on Debian).
    const asUser = (...args: string[]) => process.getuid?.() === 0
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], { cwd: dir, encoding: 'utf8' })
      : spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
    const file = asUser('check', '--no-cache', 'b.c');
    expect(file.status).toBe(2);
    expect(file.stderr).toContain('iomem-lens: b.c: cannot read (EACCES)');
    const sub = asUser('check', '--no-cache', 'sub');
    expect(sub.status).toBe(2);
    expect(sub.stderr).toContain('iomem-lens: sub: cannot read directory (EACCES)');
    const under = asUser('check', '--no-cache', '.');
    expect(under.status).toBe(0);
    expect(under.stderr).toMatch(/b\.c: skipped: cannot read \(EACCES\)/);
  });
});

describe('outputs that would overwrite an input (found in review)', () => {
  it('refuses -o naming a file to read, or a C source under a directory to read, and a baseline named as a C source', () => {
    const dir = tmpdir();
    const src = path.join(dir, 'k.c');
    fs.copyFileSync(path.join(ROOT, kmem), src);
    const before = fs.readFileSync(src, 'utf8');
    const patch = path.join(dir, 'p.diff');
    fs.writeFileSync(patch, '--- a/k.c\n+++ b/k.c\n@@ -1 +1 @@\n-x\n+y\n');
    const refusals: [string[], RegExp][] = [
      [['check', '--no-cache', '-o', src, src], /--output .*k\.c: that is one of the files to read: refusing to overwrite it/],
      [['check', '--no-cache', '--output', path.join(dir, '.', 'k.c'), dir], /a C source under/],
      [['check', '--no-cache', `--write-baseline=${src}`, src], /--write-baseline .*k\.c: that is one of the files to read/],
      [['check', '--no-cache', `--write-baseline=${path.join(dir, 'other.c')}`, src], /a baseline is a JSON file, not a C source/],
      [['simulate', `${src}:example_probe`, '-o', src], /that is one of the files to read/],
      [['review', patch, '--tree', dir, '-o', patch], /that is one of the files to read/],
    ];
    for (const [args, message] of refusals) {
      const r = run(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(fs.readFileSync(src, 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'other.c'))).toBe(false);
    // A report written beside the sources is still fine.
    expect(run('check', '--no-cache', '--no-baseline', '-o', path.join(dir, 'report.txt'), src).code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toMatch(/\[resource-busy-window\]/);
  });
});
