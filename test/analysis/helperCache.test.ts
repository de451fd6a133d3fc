// Helper bodies are kept across analyses by position and text: a changed helper is read again.

import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeTree } from '../../server/src/analysis/analyze';
import { findFunctions } from '../../server/src/syntax/functions';
import { CParser } from '../../server/src/syntax/parser';
import { analyzeSource, options } from '../helpers';

const file = (helperBody: string, above = ''): string => [
  `/* ${above} */`,
  'static struct resource *grab(u64 start, u64 size)',
  '{',
  `\t${helperBody}`,
  '}',
  '',
  'int probe(int nid, u64 start, u64 size)',
  '{',
  '\tstruct resource *res = grab(start, size);',
  '',
  '\tif (!res)',
  '\t\treturn -EBUSY;',
  '\tres->flags = IORESOURCE_SYSTEM_RAM;',
  '\treturn add_memory_driver_managed(nid, start, size, "System RAM (kmem)", MHP_NONE);',
  '}',
  '',
].join('\n');

const rules = async (text: string): Promise<string[]> => (await analyzeSource(text)).findings.map((f) => `${f.function}:${f.line + 1}:${f.rule}`).sort();

describe('helper bodies across analyses', () => {
  it('follows an edit to the helper at the same place, and reuses it after an edit elsewhere', async () => {
    const requesting = 'return request_mem_region(start, size, "kmem");';
    const first = await rules(file(requesting));
    expect(first).toContain('probe:13:resource-busy-window');
    // The helper changes, at the same offsets: the caller's analysis must read the new body.
    expect(await rules(file('return NULL;                                   '))).toEqual([]);
    // Same length above the helper, same helper: the same findings.
    expect(await rules(file(requesting, 'x'))).toEqual(await rules(file(requesting, 'y')));
    expect(await rules(file(requesting, 'y'))).toEqual(first);
  });
});

describe('helper bodies of a text over a megabyte', () => {
  it('are inlined as in a small one (read again each time, never kept: they would keep the text alive)', async () => {
    const requesting = 'return request_mem_region(start, size, "kmem");';
    const small = await rules(file(requesting));
    const padded = `/* ${'x'.repeat(1 << 20)} */\n${file(requesting)}`;
    const shifted = (await rules(padded)).map((r) => r.replace(/:(\d+):/, (_m, l: string) => `:${Number(l) - 1}:`));
    expect(shifted).toEqual(small);
    expect(small).toContain('probe:13:resource-busy-window');
  });
});

describe('body copies across analyses (the editor re-walks a moved function when its helper changed)', () => {
  it('reports what a fresh analysis reports, positions and traces included, edit after edit', async () => {
    const parser = await CParser.load();
    const cache = new FunctionCache();
    const opts = options();
    const run = (text: string, c?: FunctionCache): unknown => {
      const tree = parser.parse(text);
      if (!tree) throw new Error('no tree');
      try {
        return analyzeTree(tree, text, opts, c).findings.map((f) => [f.function, f.rule, f.line, f.col, f.start, f.end, f.message, f.trace]);
      } finally {
        tree.delete();
      }
    };
    const requesting = 'return request_mem_region(start, size, "kmem");';
    // The helper changes (so probe() is walked again) while lines come and go above both.
    const versions = [
      file(requesting), file(requesting, 'a\nb\nc'), file(`${requesting} `, 'a\nb\nc'), file(`${requesting}  `, 'a'),
      file(requesting, 'a\n\n\n\n\n'), file(`${requesting} `, 'a\n\n\n\n\n'), file(`${requesting} `),
    ];
    let reported = 0;
    for (const text of versions) {
      const cached = run(text, cache) as unknown[];
      expect(cached).toEqual(run(text));
      reported += cached.length;
    }
    expect(reported).toBeGreaterThanOrEqual(versions.length);
  });
});

describe('a static helper that is also walked on its own', () => {
  it('gives its callers the same walk whether it comes before them (its CFG is shared) or after (built for them)', async () => {
    // What the helper does depends on its argument: only probe1() requests the region.
    const helper = [
      'static struct resource *grab(u64 start, u64 size, int busy)', '{', '\tif (!busy)', '\t\treturn NULL;',
      '\treturn request_mem_region(start, size, "kmem");', '}', '',
    ];
    const caller = (name: string, busy: number): string[] => [
      `int ${name}(int nid, u64 start, u64 size)`, '{', `\tstruct resource *res = grab(start, size, ${busy});`, '', '\tif (!res)', '\t\treturn -EBUSY;',
      '\tres->flags = IORESOURCE_SYSTEM_RAM;', '\treturn add_memory_driver_managed(nid, start, size, "System RAM (kmem)", MHP_NONE);', '}', '',
    ];
    const callers = [...caller('probe0', 0), ...caller('probe1', 1)];
    const byFunction = async (text: string): Promise<string[]> => (await analyzeSource(text)).findings
      .filter((f) => f.function !== 'grab').map((f) => `${f.function}:${f.rule}:${f.message.replace(/line \d+/g, 'line N')}`).sort();
    const before = await byFunction([...helper, ...callers].join('\n'));
    const after = await byFunction(['static struct resource *grab(u64 start, u64 size, int busy);', '', ...callers, ...helper].join('\n'));
    expect(before.filter((f) => f.includes(':resource-busy-window:')).map((f) => f.split(':')[0])).toEqual(['probe1']);
    expect(after).toEqual(before);
  });

  it('shares the CFG of a definition with a syntax error (recovered) the same way', async () => {
    // A keystroke in the middle of an identifier breaks the helper: the editor walks it, then
    // its callers, which read its CFG.
    const helper = [
      'static struct resource *grab(u64 start, u64 size, int busy)', '{', '	if (!busy)', '		return NULL;',
      '	pr_debug("grab %llx\n", sta rt);', '	return request_mem_region(start, size, "kmem");', '}', '',
    ];
    const caller = (name: string, busy: number): string[] => [
      `int ${name}(int nid, u64 start, u64 size)`, '{', `	struct resource *res = grab(start, size, ${busy});`, '', '	if (!res)', '		return -EBUSY;',
      '	res->flags = IORESOURCE_SYSTEM_RAM;', '	return add_memory_driver_managed(nid, start, size, "System RAM (kmem)", MHP_NONE);', '}', '',
    ];
    const callers = [...caller('probe0', 0), ...caller('probe1', 1)];
    const parser = await CParser.load();
    const text = [...helper, ...callers].join('\n');
    const tree = parser.parse(text);
    if (!tree) throw new Error('no tree');
    try {
      expect(findFunctions(tree, text).find((f) => f.name === 'grab')?.recovered).toBe(true);
    } finally {
      tree.delete();
    }
    const byFunction = async (src: string): Promise<string[]> => (await analyzeSource(src)).findings
      .filter((f) => f.function !== 'grab').map((f) => `${f.function}:${f.rule}:${f.message.replace(/line \d+/g, 'line N')}`).sort();
    const before = await byFunction(text);
    const after = await byFunction(['static struct resource *grab(u64 start, u64 size, int busy);', '', ...callers, ...helper].join('\n'));
    expect(before.filter((f) => f.includes(':resource-busy-window:')).map((f) => f.split(':')[0])).toEqual(['probe1']);
    expect(after).toEqual(before);
  });
});
