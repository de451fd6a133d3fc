// Settings validation and kernel profile detection.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archFromConfig, detectProfile, findKernelRoot, makefileVersion, resolveSettings, versionFromMakefile } from '../server/src/settings';

function fakeKernel(makefile: string, config?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-kernel-'));
  fs.writeFileSync(path.join(dir, 'Makefile'), makefile);
  if (config) fs.writeFileSync(path.join(dir, '.config'), config);
  fs.mkdirSync(path.join(dir, 'drivers', 'dax'), { recursive: true });
  return dir;
}

describe('profile detection', () => {
  it('reads VERSION and PATCHLEVEL from the top Makefile', () => {
    expect(versionFromMakefile('# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 119\n')).toEqual({ major: 6, minor: 1 });
    expect(versionFromMakefile('all:\n\techo\n')).toBeUndefined();
  });

  it('reads the architecture from .config', () => {
    expect(archFromConfig('CONFIG_X86_64=y\n')).toBe('x86_64');
    expect(archFromConfig('CONFIG_ARM64=y\n')).toBe('arm64');
    expect(archFromConfig('CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\n')).toBe('arm64-64k');
    expect(archFromConfig('CONFIG_ARM64=y\nCONFIG_ARM64_16K_PAGES=y\n')).toBe('arm64-16k');
    expect(archFromConfig('CONFIG_X86_64=y\nCONFIG_X86_5LEVEL=y\n')).toBe('x86_64');
    expect(archFromConfig('CONFIG_RISCV=y\nCONFIG_64BIT=y\n')).toBe('riscv64');
    expect(archFromConfig('# CONFIG_ARM64 is not set\n')).toBeUndefined();
  });

  it('finds the tree from a file deep inside it and detects both', () => {
    const root = fakeKernel('VERSION = 6\nPATCHLEVEL = 1\n', 'CONFIG_ARM64=y\n');
    expect(findKernelRoot(path.join(root, 'drivers', 'dax', 'kmem.c'))).toBe(root);
    expect(detectProfile(root)).toEqual({
      version: { major: 6, minor: 1 }, arch: 'arm64', config: new Map([['ARM64', 'y']]), source: 'Makefile VERSION/PATCHLEVEL and .config',
    });
    const r = resolveSettings({ kernel: { version: 'auto', arch: 'auto' } }, root);
    expect(r.options.profile).toMatchObject({ version: { major: 6, minor: 1 }, arch: 'arm64' });
  });

  it('reads Kconfig symbols from .config and takes overrides from settings', () => {
    const root = fakeKernel('VERSION = 6\nPATCHLEVEL = 1\n', 'CONFIG_X86_64=y\nCONFIG_DAX=m\n# CONFIG_FS_DAX is not set\n');
    const r = resolveSettings({ kernel: { config: { CONFIG_DAX: 'n', ZONE_DEVICE: 'y', BAD: 'maybe' } } }, root);
    expect([...(r.options.profile.config ?? [])].sort()).toEqual([['DAX', 'n'], ['FS_DAX', 'n'], ['X86_64', 'y'], ['ZONE_DEVICE', 'y']]);
    expect(r.problems).toEqual(['kernel.config.BAD: "maybe" is not "y", "m" or "n"; ignored']);
  });

  it('says when the Makefile\'s VERSION and PATCHLEVEL are not a kernel version, and uses the default (found in review)', () => {
    for (const [mk, said] of [
      ['VERSION = banana\nPATCHLEVEL = 12\n', 'VERSION = "banana", PATCHLEVEL = "12"'],
      ['VERSION = 6\nPATCHLEVEL = 99999999999999999999\n', 'VERSION = "6", PATCHLEVEL = "99999999999999999999"'],
      ['VERSION = 6\nPATCHLEVEL =\n', 'VERSION = "6", PATCHLEVEL = ""'],
    ] as const) {
      const root = fakeKernel(mk);
      expect(findKernelRoot(path.join(root, 'drivers', 'dax', 'kmem.c'))).toBe(root);
      const r = resolveSettings({}, root);
      expect(r.options.profile.version).toEqual({ major: 6, minor: 12 });
      expect(r.problems).toEqual([`${path.join(root, 'Makefile')}: ${said} is not a kernel version; using 6.12 (default)`]);
      // A version in the settings makes the Makefile's moot.
      expect(resolveSettings({ kernel: { version: '6.1' } }, root).problems).toEqual([]);
    }
    expect(makefileVersion('all:\n\techo\n')).toBeUndefined();
  });

  it('says when .config is of an architecture the models do not know, and not for a fragment (found in review: read as x86_64 without a word)', () => {
    for (const cfg of ['CONFIG_X86_32=y\nCONFIG_X86=y\n', 'CONFIG_SPARC64=y\n', 'CONFIG_LOONGARCH=y\nCONFIG_64BIT=y\n']) {
      const root = fakeKernel('VERSION = 6\nPATCHLEVEL = 9\n', cfg);
      const r = resolveSettings({}, root);
      expect(r.options.profile.arch).toBe('x86_64');
      expect(r.problems).toEqual([expect.stringMatching(new RegExp(`^${path.join(root, '.config').replace(/[.]/g, '\\.')}: its architecture is not one iomem-lens models \\(x86_64, .*\\); x86_64's memory layout applies`))]);
      expect(resolveSettings({ kernel: { arch: 'arm' } }, root).problems).toEqual([]);
    }
    expect(resolveSettings({}, fakeKernel('VERSION = 6\nPATCHLEVEL = 9\n', 'CONFIG_DAX=y\n')).problems).toEqual([]);
  });

  it('lets settings override what was detected', () => {
    const root = fakeKernel('VERSION = 6\nPATCHLEVEL = 1\n');
    const r = resolveSettings({ kernel: { version: '6.12', arch: 'ppc64' } }, root);
    expect(r.options.profile).toEqual({ version: { major: 6, minor: 12 }, arch: 'ppc64', source: 'settings' });
    expect(r.problems).toEqual([]);
  });
});

describe('settings validation', () => {
  it('names each bad value and the default in effect', () => {
    const r = resolveSettings({
      kernel: { version: 'banana', arch: 'vax' },
      rules: { 'resource-busy-window': 'loud', 'no-such-rule': 'off' },
      pathBound: -3,
      layout: 42,
    });
    expect(r.problems).toEqual([
      'kernel.version "banana" is not a kernel version like "6.12"; using 6.12 (default)',
      'kernel.arch "vax" is not one of x86_64, x86_64-la57, arm64, arm64-16k, arm64-64k, ppc64, riscv64, s390, arm, mips, parisc; using x86_64',
      'rules.resource-busy-window: "loud" is not one of error, warning, info, hint, off; using warning',
      expect.stringMatching(/^rules: unknown rule "no-such-rule"/),
      'pathBound -3 must be an integer from 100 to 10000000; using 50000',
      'layout 42 must be the path of a /proc/iomem dump; using the default layout',
    ]);
    expect(r.options.rules.has('resource-busy-window')).toBe(true);
  });

  it('says when kernel is not an object (found in review: it was dropped without a word)', () => {
    for (const kernel of [5, '6.12', ['6.12']]) {
      expect(resolveSettings({ kernel }).problems).toEqual([`kernel must be an object like {"version": "6.12", "arch": "x86_64"}, got ${JSON.stringify(kernel)}; detecting both`]);
    }
    expect(resolveSettings({ kernel: null }).problems).toEqual([]);
  });

  it('says when the kernel is older than the models and which semantics apply', () => {
    expect(resolveSettings({ kernel: { version: '5.4' } }).problems).toEqual([
      "kernel 5.4 (settings) is older than 6.1, the oldest kernel the models were read from; 6.1's semantics apply",
    ]);
    expect(resolveSettings({ kernel: { version: '6.1' } }).problems).toEqual([]);
    expect(resolveSettings({ kernel: { version: '6.19' } }).problems).toEqual([]);
  });

  it('never runs what a setting says, and cannot pollute prototypes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-inject-'));
    const marker = path.join(dir, 'ran');
    const raw = JSON.parse(JSON.stringify({
      kernel: { version: `6.12; touch ${marker}`, arch: `$(touch ${marker})` },
      layout: `\`touch ${marker}\``,
      pathBound: `1e9; touch ${marker}`,
      rules: { __proto__: { polluted: 'error' }, constructor: 'off' },
    }).replace('"rules":{', '"rules":{"__proto__":{"polluted":"error"},'));
    const r = resolveSettings(raw);
    expect(fs.existsSync(marker)).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.options.profile.version).toEqual({ major: 6, minor: 12 });
    expect(r.options.layout.name).toBe('default x86_64 server');
    expect(r.problems.filter((p) => /unknown rule "(__proto__|constructor)"/.test(p))).toHaveLength(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives settings that are not an object at all', () => {
    for (const raw of [null, 3, 'x', [1, 2]]) {
      const r = resolveSettings(raw);
      expect(r.options.profile.version).toEqual({ major: 6, minor: 12 });
    }
    expect(resolveSettings('x').problems[0]).toMatch(/settings must be an object/);
  });

  it('turns rules off and changes their severity', () => {
    const r = resolveSettings({ rules: { 'resource-busy-window': 'error' } });
    expect(r.options.severity.get('resource-busy-window')).toBe('error');
    expect(resolveSettings({ rules: { 'resource-busy-window': 'off' } }).options.rules.has('resource-busy-window')).toBe(false);
  });

  it('loads a /proc/iomem dump, and explains a dump it cannot use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-layout-'));
    fs.writeFileSync(path.join(dir, 'good'), '00001000-0009ffff : System RAM\n100000000-1ffffffff : System RAM\n');
    fs.writeFileSync(path.join(dir, 'zeros'), '00000000-00000000 : System RAM\n');
    expect(resolveSettings({ layout: path.join(dir, 'good') }).options.layout.name).toBe('good');
    expect(resolveSettings({ layout: path.join(dir, 'zeros') }).problems[0]).toMatch(/read without root/);
    expect(resolveSettings({ layout: path.join(dir, 'missing') }).problems[0]).toMatch(/cannot read it \(ENOENT\); using the default layout/);
    // A dump cut off mid-line keeps its complete lines, and says what it ignored.
    fs.writeFileSync(path.join(dir, 'cut'), '00001000-0009ffff : System RAM\n100000000-1ffffffff : System RAM\n200000000-2ff');
    const cut = resolveSettings({ layout: path.join(dir, 'cut') });
    expect(cut.options.layout.name).toBe('cut');
    const tree = cut.options.layout.tree;
    expect(tree.children(tree.root).map((r) => r.name)).toEqual(['System RAM', 'System RAM']);
    expect(cut.problems).toEqual([`layout "${path.join(dir, 'cut')}": line 3: not a /proc/iomem line: "200000000-2ff" (the dump looks truncated); ignored`]);
    const refused = (name: string, text: string): string => {
      fs.writeFileSync(path.join(dir, name), text);
      const r = resolveSettings({ layout: path.join(dir, name) });
      expect(r.options.layout.name).toBe('default x86_64 server');
      return r.problems.join('\n');
    };
    expect(refused('prose', 'hello\nworld\n')).toMatch(/: no \/proc\/iomem lines found; using the default layout$/);
    expect(refused('nul', '00001000-0009ffff : System RAM\0')).toMatch(/not a \/proc\/iomem dump: it contains NUL bytes; using the default layout$/);
    expect(refused('reversed', '0009ffff-00001000 : System RAM\n')).toMatch(/line 1: System RAM: start 0009ffff is above end 00001000; using the default layout$/);
    expect(refused('overlap', '00001000-0009ffff : System RAM\n00050000-000fffff : Reserved\n')).toMatch(/line 2: Reserved 50000-fffff overlaps System RAM/);
    expect(refused('wide', 'fffffffffffffffff-fffffffffffffffff : x\n')).toMatch(/line 1: address does not fit 64 bits/);
  });
});
