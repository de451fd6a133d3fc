// The architecture constants of the memmap model against the Linux 6.12 source they cite: every
// `file:line NAME value` source names a line that defines NAME (with that value), and the
// arch capability sets match what each arch's Kconfig selects.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_CONSTANTS, HOTPLUG_ARCH_DIRS, ZONE_DEVICE_ARCH_DIRS } from '../../model/src/index';

const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;
const tree = trees['6.12'] as string;

const cited = [...new Set(Object.values(ARCH_CONSTANTS).flatMap((a) => a.sources))]
  .map((s) => /^(\S+):(\d+) (\w+)(?: (.*))?$/.exec(s))
  .filter((m): m is RegExpExecArray => m !== null);

describe('memmap constants match Linux 6.12', () => {
  it('cites file:line sources', () => {
    expect(cited.length).toBeGreaterThan(15);
  });

  it.each(cited.map((m) => [m[0]] as const))('%s', (source) => {
    const [, file, line, name, rest] = /^(\S+):(\d+) (\w+)(?: (.*))?$/.exec(source) as RegExpExecArray;
    const text = fs.readFileSync(path.join(tree, file as string), 'utf8').split('\n')[Number(line) - 1] ?? '';
    expect(text).toContain(name);
    const value = /^(\d+)\b/.exec(rest ?? '')?.[1];
    if (value) expect(text).toMatch(new RegExp(`\\b${value}\\b`));
  });

  const archDirs = fs.readdirSync(path.join(tree, 'arch')).filter((d) => fs.existsSync(path.join(tree, 'arch', d, 'Kconfig')));
  const selects = (dir: string, sym: string): boolean =>
    new RegExp(`^\\s*select ${sym}\\b`, 'm').test(fs.readFileSync(path.join(tree, 'arch', dir, 'Kconfig'), 'utf8'));

  it('memory hotplug is possible exactly where the arch selects ARCH_ENABLE_MEMORY_HOTPLUG', () => {
    expect(archDirs.filter((d) => selects(d, 'ARCH_ENABLE_MEMORY_HOTPLUG')).sort()).toEqual([...HOTPLUG_ARCH_DIRS].sort());
  });

  it('ZONE_DEVICE is possible exactly where the arch also selects ARCH_HAS_PTE_DEVMAP', () => {
    expect(archDirs.filter((d) => selects(d, 'ARCH_HAS_PTE_DEVMAP') && selects(d, 'ARCH_ENABLE_MEMORY_HOTPLUG')).sort()).toEqual([...ZONE_DEVICE_ARCH_DIRS].sort());
  });
});
