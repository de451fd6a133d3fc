// /proc/iomem rendering (r_show format) and parsing of real dumps.

import { describe, expect, it } from 'vitest';
import { DEFAULT_IOMEM, IORESOURCE_BUSY, IomemParseError, defaultLayout, hasFlag, parseIomem, renderIomem } from '../../model/src/index';

describe('/proc/iomem', () => {
  it('round-trips the default layout byte for byte', () => {
    const { tree } = parseIomem(DEFAULT_IOMEM);
    expect(renderIomem(tree)).toBe(DEFAULT_IOMEM);
  });

  it('round-trips nesting four levels deep', () => {
    const dump = [
      '00001000-0009ffff : System RAM',
      '90000000-9fffffff : PCI Bus 0000:00',
      '  90000000-93ffffff : PCI Bus 0000:01',
      '    90000000-91ffffff : 0000:01:00.0',
      '      90000000-90ffffff : nvme',
      '        90000000-9000ffff : nvme-queues',
      '',
    ].join('\n');
    expect(renderIomem(parseIomem(dump).tree)).toBe(dump);
  });

  it('infers BUSY the way e820 and the PCI core set it', () => {
    const { tree } = defaultLayout();
    const byName = new Map([...tree.walk()].map(({ res }) => [res.name, res]));
    expect(hasFlag(byName.get('System RAM')!.flags, IORESOURCE_BUSY)).toBe(true);
    expect(hasFlag(byName.get('Persistent Memory')!.flags, IORESOURCE_BUSY)).toBe(false);
    expect(hasFlag(byName.get('PCI Bus 0000:80')!.flags, IORESOURCE_BUSY)).toBe(false);
    expect(hasFlag(byName.get('nvme')!.flags, IORESOURCE_BUSY)).toBe(true);
  });

  it('refuses a dump read without root, saying why', () => {
    const dump = '00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n';
    expect(() => parseIomem(dump)).toThrowError(/read without root/);
  });

  it('refuses overlapping siblings with the line number', () => {
    const dump = '00001000-00001fff : a\n00001800-00002fff : b\n';
    expect(() => parseIomem(dump)).toThrowError(IomemParseError);
    expect(() => parseIomem(dump)).toThrowError(/line 2/);
  });

  it('warns about lines it does not understand and keeps the rest', () => {
    const { tree, warnings } = parseIomem('garbage\n00001000-00001fff : a\n');
    expect(warnings).toHaveLength(1);
    expect([...tree.walk()].map(({ res }) => res.name)).toEqual(['a']);
  });

  it('refuses binary input and empty input', () => {
    expect(() => parseIomem('\0\0\0')).toThrowError(/NUL/);
    expect(() => parseIomem('\n\n')).toThrowError(/no \/proc\/iomem lines/);
  });
});
