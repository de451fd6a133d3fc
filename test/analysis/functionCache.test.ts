// The per-function result cache: an edit above a function and the helpers it inlines keeps
// their results (they move together); an edit between them, or one that moves a function whose
// messages cite lines, does not; a reused result says what a fresh analysis would.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeSteps } from '../../server/src/analysis/analyze';
import { devresActions, hasWord, wordsOf } from '../../server/src/analysis/cacheKey';
import fc from 'fast-check';
import { moveCalls } from '../../server/src/analysis/functionCache';
import type { CallFact } from '../../server/src/analysis/callFacts';
import type { FileAnalysis } from '../../server/src/analysis/finding';
import { CParser } from '../../server/src/syntax/parser';
import { findFunctions } from '../../server/src/syntax/functions';
import { ROOT, options } from '../helpers';
import { optionsKey } from '../../server/src/analysis/options';
import { DEFAULT_IOMEM, layoutFromDump } from '../../model/src/index';

/** The analysis of `text` with `cache`, and the functions it had to walk (not reused). */
async function run(text: string, cache?: FunctionCache, opts = options()): Promise<{ a: FileAnalysis; walked: string[] }> {
  const parser = await CParser.load();
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse timed out');
  try {
    const steps = analyzeSteps(tree, text, opts, cache);
    const walked: string[] = [];
    for (;;) {
      const r = steps.next();
      if (r.done) return { a: r.value, walked };
      walked.push(r.value);
    }
  } finally {
    tree.delete();
  }
}

const shown = (a: FileAnalysis): string[] => a.findings.map((f) => `${f.line + 1}:${f.col}:${f.start}:${f.rule}: ${f.message} | ${f.trace.map((t) => `${t.line + 1}:${t.col} ${t.message}`).join(' / ')}`);

// A helper that releases nothing and a caller that leaks what the helper requested.
const file = (above: string, between: string): string => `${above}
int unrelated;

static struct resource *grab(u64 start, u64 size)
{
\treturn request_mem_region(start, size, "x");
}
${between}
int probe(u64 start, u64 size)
{
\tvoid *p;

\tif (!grab(start, size))
\t\treturn -EBUSY;
\tp = ioremap(start, size);
\tif (!p)
\t\treturn -ENOMEM;
\treturn 0;
}
`;

describe('function cache', () => {
  it('keeps the results of functions that an edit above them only moves', async () => {
    const cache = new FunctionCache();
    const first = await run(file('/* a */', ''), cache);
    expect(first.walked).toContain('probe');
    expect(first.a.findings.map((f) => f.rule)).toContain('resource-leak');
    // Same number of lines, longer: offsets move, lines do not.
    const moved = await run(file('/* a longer comment */', ''), cache);
    expect(moved.walked).toEqual([]);
    expect(shown(moved.a)).toEqual(shown((await run(file('/* a longer comment */', ''))).a));
  });

  it('walks a function again when an edit lands between it and a helper it inlines', async () => {
    const cache = new FunctionCache();
    await run(file('', ''), cache);
    const between = await run(file('', 'int between;'), cache);
    expect(between.walked).toContain('probe');
    expect(shown(between.a)).toEqual(shown((await run(file('', 'int between;'))).a));
  });

  it('keeps a result without findings when an edit lands between the function and its helper', async () => {
    // probe() releases on every path: nothing in its result points into the helper.
    const clean = (between: string): string => file('', between).replace('\treturn -ENOMEM;', '{\n\t\trelease_mem_region(start, size);\n\t\treturn -ENOMEM;\n\t}')
      .replace('\treturn 0;\n}', '\trelease_mem_region(start, size);\n\treturn 0;\n}');
    const cache = new FunctionCache();
    expect((await run(clean(''), cache)).a.findings).toEqual([]);
    const between = await run(clean('int between;\n'), cache);
    expect(between.walked).not.toContain('probe');
    expect(shown(between.a)).toEqual(shown((await run(clean('int between;\n'))).a));
  });

  it('never reuses a message that cites a line the edit moved (lines added above)', async () => {
    const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
    const cache = new FunctionCache();
    await run(kmem, cache);
    const shifted = `\n\n\n${kmem}`;
    const again = await run(shifted, cache);
    const fresh = await run(shifted);
    expect(again.a.findings.length).toBeGreaterThan(0);
    expect(shown(again.a)).toEqual(shown(fresh.a));
    expect(again.a.findings[0]?.message).toMatch(/requested at line 27\b/);
  });

  it('leaves out the call facts when asked (the CLI), with the same findings, and never serves one run the other\'s', async () => {
    const text = file('', '');
    const withCalls = await run(text);
    expect(withCalls.a.calls.map((c) => c.callee)).toContain('request_mem_region');
    const noCalls = { ...options(), callFacts: false };
    const cache = new FunctionCache();
    const without = await run(text, cache, noCalls);
    expect(without.a.calls).toEqual([]);
    expect(shown(without.a)).toEqual(shown(withCalls.a));
    const after = await run(text, cache);
    expect(after.walked).toContain('probe');
    expect(after.a.calls).toEqual(withCalls.a.calls);
  });

  // Edits that keep every length, so no position in the key moves: only the texts can tell.
  const rewalks = async (before: string, after: string, fn: string): Promise<FileAnalysis> => {
    expect(after.length).toBe(before.length);
    expect(after).not.toBe(before);
    const cache = new FunctionCache();
    await run(before, cache);
    const again = await run(after, cache);
    expect(again.walked).toContain(fn);
    expect(shown(again.a)).toEqual(shown((await run(after)).a));
    return again.a;
  };

  it('walks a function again when the DEFINE_FREE() body its __free() variable runs changes', async () => {
    const before = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'dax-lifecycle', 'neg_free_cleanup.c'), 'utf8');
    const after = before.replace('if (!IS_ERR_OR_NULL(_T)) cleanup_dax(_T))', 'if (!IS_ERR_OR_NULL(_T)) (void)(_T)     )');
    // The cleanup no longer kills and puts the device: it leaks on the error returns.
    expect((await rewalks(before, after, 'setup_dax')).findings.map((f) => f.rule)).toContain('dax-lifecycle');
  });

  it('walks a function again when a function it hands to devres changes (its body runs when the call fails)', async () => {
    const src = (action: string): string => `static void drop(void *p)
{
\t${action}
}

int probe(struct device *dev, u64 start)
{
\tvoid *buf = kzalloc(64, GFP_KERNEL);

\tif (!buf)
\t\treturn -ENOMEM;
\tif (!request_mem_region(start, 0x100, "x"))
\t\treturn -EBUSY;
\treturn devm_add_action_or_reset(dev, drop, buf);
}
`;
    await rewalks(src('kfree(p); '), src('(void)p;  '), 'probe');
  });

  it('walks a function again when a call it makes stops releasing (a release attempt no more)', async () => {
    const src = (undo: string): string => `static void undo(struct pci_dev *pdev)
{
\t${undo}(pdev);
}

int probe(struct pci_dev *pdev, u64 start)
{
\tif (!request_mem_region(start, 0x100, "x"))
\t\treturn -EBUSY;
\tif (setup(pdev)) {
\t\tundo(pdev);
\t\treturn -EIO;
\t}
\treturn 0;
}
`;
    const a = await rewalks(src('pci_release_regions'), src('pci_disable_devices'), 'probe');
    expect(a.findings.map((f) => f.rule)).toContain('resource-leak');
  });

  it('walks a function again when a static helper it calls stops telling ZONE_DEVICE pages apart', async () => {
    const before = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'memmap-reserved-zone-device', 'neg_zone_check_in_helper.c'), 'utf8');
    const after = before.replace('return is_zone_device_page(page);', 'return is_zero_page(page) &&   1;');
    const a = await rewalks(before, after, 'foo_pfn_to_refcounted_page');
    expect(a.findings.map((f) => f.rule)).toContain('memmap-reserved-zone-device');
  });

  it('walks a function again when a define a helper or another define names changes', async () => {
    const src = (base: string): string => `#define BASE ${base}
#define REGION BASE

static int grab(void)
{
\treturn request_mem_region(BASE, 0x100, "x") ? 0 : -EBUSY;
}

int probe(void)
{
\tif (grab())
\t\treturn -EBUSY;
\trelease_mem_region(REGION, 0x100);
\treturn 0;
}
`;
    await rewalks(src('0x1000'), src('0x2000'), 'probe');
  });

  it('finds the function each devm_add_action*() call hands to devres, whatever its first argument', () => {
    expect(devresActions('a = devm_add_action_or_reset(&pdev->dev, drop, p); devm_add_action(dev_of(x, y), undo_it,\n\t\tq);')).toEqual(['drop', 'undo_it']);
    expect(devresActions('devm_add_action_or_reset(dev, (void (*)(void *))fn, p); devm_add_action')).toEqual([]);
    // A comment before the name (found in review): the walk runs the function all the same.
    expect(devresActions('devm_add_action_or_reset(dev, /* on failure */ undo, p); devm_add_action(dev, // x\n drop, q);')).toEqual(['undo', 'drop']);
  });

  it('does not take a function whose name is only part of an identifier for a helper', async () => {
    // A space typed into a name leaves functions named like the ends of other identifiers.
    const src = (n: string): string => `static int _pfn(u64 start)
{
\treturn request_mem_region(start, ${n}, "x") ? 0 : -EBUSY;
}

int probe(u64 start_pfn)
{
\tif (!request_mem_region(start_pfn << PAGE_SHIFT, 0x100, "y"))
\t\treturn -EBUSY;
\trelease_mem_region(start_pfn << PAGE_SHIFT, 0x100);
\treturn 0;
}
`;
    const cache = new FunctionCache();
    await run(src('0x100'), cache);
    expect((await run(src('0x200'), cache)).walked).toEqual(['_pfn']);
    const names = (t: string, w: string): boolean => hasWord(wordsOf(t), w);
    expect(names('x = start_pfn + _pfn(y);', '_pfn')).toBe(true);
    expect(names('x = start_pfn + end_pfn;', '_pfn')).toBe(false);
    expect(names('_pfn', '_pfn')).toBe(true);
    expect(names('anything', '')).toBe(false);
  });

  it('finds a word in a text exactly where a whole-identifier regular expression does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '_', '1', ' ', '(', '-', '>', '\n', 'é'), maxLength: 40 });
    fc.assert(fc.property(text, fc.string({ unit: fc.constantFrom('a', 'b', '_', '1'), minLength: 1, maxLength: 4 }), (t, w) => {
      const oracle = new RegExp(`(?<![A-Za-z0-9_])${w}(?![A-Za-z0-9_])`).test(t);
      return hasWord(wordsOf(t), w) === oracle;
    }), { numRuns: 2000 });
  });

  it('keeps a result without findings when a helper only changes in comments and spacing', async () => {
    const clean = (helperNote: string, doc: string): string => `static struct resource *grab(u64 start, u64 size)
{
\t/* ${helperNote} */
\treturn request_mem_region(start, size,   "x");
}

/* ${doc} */
int probe(u64 start, u64 size)
{
\tif (!grab(start, size))
\t\treturn -EBUSY;
\trelease_mem_region(start, size);
\treturn 0;
}
`;
    const cache = new FunctionCache();
    expect((await run(clean('asks for it', 'probes'), cache)).a.findings).toEqual([]);
    const again = await run(clean('asks the tree for the region', 'probes the device'), cache);
    // grab() is not walked either: its tokens are the same, and its call facts (hovers) move.
    expect(again.walked).toEqual([]);
    expect(again.a.calls).toEqual((await run(clean('asks the tree for the region', 'probes the device'))).a.calls);
    // Unless the comment above it starts to say the caller holds memory hotplug.
    expect((await run(clean('asks the tree for the region', 'the caller holds mem_hotplug_lock'), cache)).walked).toEqual(['probe']);
  });

  it('walks a function with findings again when a comment moves what its trace points at in a helper', async () => {
    const cache = new FunctionCache();
    const before = file('', '');
    const after = before.replace('\treturn request_mem_region(start, size, "x");', '\t/* one more line\n\t */\n\treturn request_mem_region(start, size, "x");');
    expect((await run(before, cache)).a.findings.length).toBeGreaterThan(0);
    const again = await run(after, cache);
    expect(again.walked).toContain('probe');
    expect(shown(again.a)).toEqual(shown((await run(after)).a));
  });

  it('moves the call facts of a function whose own comments or spacing changed, instead of walking it', async () => {
    const src = (note: string, blank: string): string => `int probe(u64 start, u64 size)
{
\t/* ${note} */
\tif (!request_mem_region(start,${blank}size, "x"))
\t\treturn -EBUSY;
\trelease_mem_region(start, size);
\treturn 0;
}
`;
    const cache = new FunctionCache();
    const first = await run(src('a', ' '), cache);
    expect(first.a.findings).toEqual([]);
    expect(first.a.calls.length).toBe(2);
    // One change at a time, as an editor sends them.
    for (const [note, blank] of [['a longer note\n\t * on two lines', ' '], ['a longer note\n\t * on two lines', '   '], ['a', '   ']]) {
      const again = await run(src(note as string, blank as string), cache);
      expect(again.walked).toEqual([]);
      expect(again.a.calls).toEqual((await run(src(note as string, blank as string))).a.calls);
    }
    // A changed token is walked again.
    expect((await run(src('a', ' ').replace('"x"', '"y"'), cache)).walked).toEqual(['probe']);
  });

  it('reads an argument as the key does: blanks inside it change no name it gives (found by fuzzing)', async () => {
    // A region named by an expression, and one whose literal a line break cut (a function with
    // a syntax error, keyed by its tree's form): the name the call facts show came from the
    // argument's raw text, which the key does not hold, so a reused result showed the old one.
    const src = (inName: string, inLiteral: string): string => `int probe(struct device *dev, u64 start, u64 size)
{
\tif (!request_mem_region(start, size, dev_name(${inName}dev)))
\t\treturn -EBUSY;
\trelease_mem_region(start, size);
\treturn 0;
}

int cut(u64 start, u64 size)
{
\tif (!request_mem_region(start, size, "${inLiteral}grab"))
\t\treturn -EBUSY;
\trelease_mem_region(start, size);
\treturn 0;
}
`;
    const names = (a: FileAnalysis): string[] => a.calls.map((c) => c.tree?.after ?? '').filter((t) => t.includes('◀'));
    const cache = new FunctionCache();
    await run(src('', '\n\n'), cache);
    for (const [inName, inLiteral] of [[' ', '\n\n'], [' ', '\n'], ['\n\t\t', '\n']]) {
      const again = await run(src(inName as string, inLiteral as string), cache);
      expect(names(again.a)).toEqual(names((await run(src(inName as string, inLiteral as string))).a));
    }
    expect(names((await run(src(' ', '\n'))).a).join('\n')).toContain(': dev_name(dev)  [MEM|BUSY]');
  });

  it('walks a function the parser recovered from an error in again when a blank alone changes its tree', async () => {
    // Tree-sitter's recovery weighs the bytes it skips: a blank after the `*` gives this garbage
    // another tree (found by fuzzing), where tokenText() sees the same tokens.
    const src = (afterStar: string, indent: string): string => `int probe(u64 start, u64 size)
{
\tif (!request_mem_region(start, size, "x"))
\t\treturn -EBUSY;
\t*${afterStar}{ , ) : = @@ ; (;
${indent}release_mem_region(start, size);
\treturn 0;
}
`;
    const cache = new FunctionCache();
    expect((await run(src(' ', '\t'), cache)).walked).toEqual(['probe']);
    // Blanks that leave its tree as it was reuse the result, as in a function without errors.
    expect((await run(src(' ', '\t  '), cache)).walked).toEqual([]);
    const moved = await run(src('  ', '\t  '), cache);
    expect(moved.walked).toEqual(['probe']);
    expect(shown(moved.a)).toEqual(shown((await run(src('  ', '\t  '))).a));
  });

  it('walks a function again when what its walk asks about a helper by name changes with the helper\'s comment alone', async () => {
    // probe() leaves `return setup(...)` to setup()'s own walk unless the comment above setup()
    // says its caller holds hotplug (inline.ts ownWalkSuffices()): the tokens of both stay.
    const src = (comment: string): string => `static int setup(u64 start, u64 size);

int probe(u64 start, u64 size, int mode)
{
\tif (mode)
\t\treturn 0;
\treturn setup(start, size);
}
${comment}
static int setup(u64 start, u64 size)
{
\tvoid *p;

\tif (!request_mem_region(start, size, "x"))
\t\treturn -EBUSY;
\tp = ioremap(start, size);
\tif (!p)
\t\treturn -ENOMEM;
\treturn 0;
}
`;
    for (const [from, to] of [['/* nothing to say here, really. */', '/* Caller must hold mem_hotplug_lock. */'], ['/* Caller must hold mem_hotplug_lock. */', '/* nothing to say here, really. */']] as const) {
      const cache = new FunctionCache();
      await run(src(from), cache);
      const after = await run(src(to), cache);
      expect(after.walked).toContain('probe');
      expect(shown(after.a)).toEqual(shown((await run(src(to))).a));
    }
  });

  it('keeps the results of functions below an `#if` an edit leaves open (they sit in an error region, themselves without error)', async () => {
    // Reduced from drivers/nvdimm/pmem.c with the `#endif` in dax_visible() split: an `#if`
    // left open, and a declaration not finished at the end, put everything in one ERROR node.
    const src = (endif: string): string => `${file(`#ifndef CONFIG_FOO
${endif}`, '')}static int foo_remove(struct device *dev)
`;
    const parser = await CParser.load();
    const broken = src('#en dif');
    const tree = parser.parse(broken);
    if (!tree) throw new Error('parse timed out');
    try {
      // The premise: both functions are found by recovery, and neither has an error of its own.
      const found = findFunctions(tree, broken).map((f) => `${f.name}:${f.recovered}:${f.node.hasError}`);
      expect(found).toEqual(['grab:true:false', 'probe:true:false']);
    } finally {
      tree.delete();
    }
    const cache = new FunctionCache();
    const before = await run(src('#endif'), cache);
    expect(before.walked).toEqual(['grab', 'probe']);
    const after = await run(broken, cache);
    expect(after.walked).toEqual([]);
    expect(after.a.findings.length).toBeGreaterThan(0);
    expect(shown(after.a)).toEqual(shown((await run(broken)).a));
    expect(shown(after.a)).toEqual(shown(before.a).map((s) => s.replace(/^(\d+:\d+:)(\d+)/, (_, a: string, o: string) => `${a}${Number(o) + 1}`)));
  });

  it('moves positions around one changed stretch, and gives up on one inside it', () => {
    const call = (start: number, end: number): CallFact => ({ callee: 'f', start, end, paths: 1, hotplugHeld: 0 });
    const before = 'a = f(x);\n\tg();';
    expect(moveCalls([call(4, 8), call(11, 14)], before, 'a = f(x);\n\n\tg();')).toEqual([call(4, 8), call(12, 15)]);
    expect(moveCalls([call(4, 8)], before, 'a =  f(x);\n\tg();')).toEqual([call(5, 9)]);
    // A comment inside the call moves its end only.
    expect(moveCalls([call(4, 8)], before, 'a = f(x /* y */);\n\tg();')).toEqual([call(4, 16)]);
    // A position inside the changed stretch cannot be placed.
    expect(moveCalls([call(4, 8)], before, 'a = F(x);\n\tg();')).toBeUndefined();
    // Nor one the prefix and suffix would put into a comment that copies the call (found in review).
    // (The common suffix takes the call's text and the comment's end for the copy.)
    expect(moveCalls([call(5, 9)], '\tr = f(x); /* y */', '\t r = f(x); /* r = f(x); /* y */')).toBeUndefined();
  });

  it('never serves a function of one arch directory the result of the same text in another', async () => {
    // pfn_to_online_page() then a sleep: stale on x86, which offlines memory; not on mips.
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'memmap-online-stale', 'pos_sleep_after_lookup.c'), 'utf8');
    const parser = await CParser.load();
    const rules = async (file: string, cache?: FunctionCache): Promise<string[]> => {
      const tree = parser.parse(text);
      if (!tree) throw new Error('parse timed out');
      try {
        const steps = analyzeSteps(tree, text, options(), cache, { file });
        for (;;) {
          const r = steps.next();
          if (r.done) return r.value.findings.map((f) => f.rule);
        }
      } finally {
        tree.delete();
      }
    };
    const cache = new FunctionCache();
    expect(await rules('arch/x86/mm/foo.c', cache)).toContain('memmap-online-stale');
    expect(await rules('arch/mips/mm/foo.c', cache)).toEqual(await rules('arch/mips/mm/foo.c'));
    expect(await rules('arch/mips/mm/foo.c')).not.toContain('memmap-online-stale');
    const other = new FunctionCache();
    await rules('arch/mips/mm/foo.c', other);
    expect(await rules('arch/x86/mm/foo.c', other)).toContain('memmap-online-stale');
  });

  it('keeps the text of only the most recent results (older ones are walked again after a spacing edit)', async () => {
    const src = (name: string, blank: string): string => `int ${name}(u64 start, u64 size)
{
\tif (!request_mem_region(start,${blank}size, "x"))
\t\treturn -EBUSY;
\trelease_mem_region(start, size);
\treturn 0;
}
`;
    const cache = new FunctionCache(4096, 2);
    for (const name of ['a', 'b', 'c']) await run(src(name, ' '), cache);
    // a's text was let go: a spacing edit walks it; c's was kept: it is moved.
    expect((await run(src('a', '  '), cache)).walked).toEqual(['a']);
    expect((await run(src('c', '  '), cache)).walked).toEqual([]);
  });
});

describe('optionsKey', () => {
  it('tells two layouts of one name apart by what they hold (found in review: a dump edited in place kept its results)', () => {
    const base = options();
    const dump = DEFAULT_IOMEM;
    // The persistent memory's namespace split in two halves.
    const moved = dump.replace(/^(\s*)4080000000-4fffffffff : namespace0\.0$/m, '$14080000000-47ffffffff : namespace0.0\n$14800000000-4fffffffff : namespace0.1');
    expect(moved).not.toBe(dump);
    const key = (text: string): string => optionsKey({ ...base, layout: layoutFromDump(text, 'iomem') });
    expect(key(dump)).toBe(key(dump));
    expect(key(moved)).not.toBe(key(dump));
  });

  it('holds the .config symbols the model reads, of each config (kept per config, which every analysis asks about)', () => {
    const base = options();
    const key = (config: [string, 'y' | 'm' | 'n'][]): string => optionsKey({ ...base, profile: { ...base.profile, config: new Map(config) } });
    const config: [string, 'y' | 'm' | 'n'][] = [['NET', 'y'], ['ZONE_DEVICE', 'y'], ['DEV_DAX_KMEM', 'm']];
    expect(key(config)).toBe(key(config));
    expect(key([...config, ['USB', 'y']])).toBe(key(config));
    expect(key([['NET', 'y'], ['ZONE_DEVICE', 'n'], ['DEV_DAX_KMEM', 'm']])).not.toBe(key(config));
    expect(key([['NET', 'y'], ['ZONE_DEVICE', 'y']])).not.toBe(key(config));
    expect(key([...config, ['MEMORY_HOTPLUG', 'y']])).not.toBe(key(config));
  });
});
