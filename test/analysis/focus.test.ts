// Focusing: the CLI parses only the functions an analysis can reach, and reports exactly what
// it reports on the whole file.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { mentionsModel, readByFacts } from '../../server/src/analysis/facts';
import { focusText, functionRegions } from '../../server/src/analysis/focus';
import { checkFile } from '../../server/src/cli/checkFile';
import { CParser } from '../../server/src/syntax/parser';
import { fixtureOptions, sampleFiles } from '../helpers';

const judge = { relevant: mentionsModel, read: readByFacts };

describe('functionRegions', () => {
  it('finds top-level function bodies, behind macro signatures too, and nothing else', () => {
    const text = [
      '#define OPEN {',
      'struct s { int a; };',
      'static const struct ops o = { .release = rel };',
      '/* { */ static int f(int a) // {',
      '{ char c = \'{\'; const char *s = "}{"; if (a) { return 1; } return 0; }',
      'SYSCALL_DEFINE1(g, int, x)',
      '#ifdef X',
      '#endif',
      '{',
      '#if 0 /* } */',
      '#endif',
      '\treturn x;',
      '}',
      'int arr[] = { 1, 2 };',
      'static void __init h(void) __acquires(l) { }',
    ].join('\n');
    const r = functionRegions(text) ?? [];
    const fns = r.filter((x) => x.kind === 'function');
    expect(fns.map((x) => x.names)).toEqual([['f'], ['SYSCALL_DEFINE1'], ['h']]);
    expect(fns.map((x) => [text[x.open], text[x.close]])).toEqual([['{', '}'], ['{', '}'], ['{', '}']]);
    // The struct is a block; the initializers (`= {`) are neither.
    expect(r.filter((x) => x.kind === 'block').map((x) => text.slice(x.open, x.close + 1))).toEqual(['{ int a; }']);
  });

  it('reads an `=` in a comment or string before a body as text, not as an initializer', () => {
    const text = [
      'late_initcall(x);',
      '/* === Panic notifier === */',
      'static void f(void) // a = b',
      '{',
      '	g();',
      '}',
      'static const char *s = "(" ;',
      'static int h(void) { return 0; }',
      'static struct ops o = OPS(h) { };',
    ].join('\n');
    const r = functionRegions(text) ?? [];
    expect(r.map((x) => [x.kind, x.names])).toEqual([['function', ['f']], ['function', ['h']]]);
  });

  it('takes no name out of a number before a parenthesis', () => {
    // A comment between declarations is part of the next one's text: `0x84 (` is no call of `x84`.
    const r = functionRegions('int a;\n/* register 0x84 (bit 7), see 64h(2) */\nstatic int probe(struct dev *d)\n{\n}\n') ?? [];
    expect(r.map((x) => x.names)).toEqual([['probe']]);
  });

  it('gives up when the braces do not balance', () => {
    expect(functionRegions('#ifdef A\nint f(void) {\n#else\nint f(int a) {\n#endif\n return 0;\n}\n')).toBeUndefined();
    expect(functionRegions('int f(void) { }\n}\n')).toBeUndefined();
  });
});

describe('focusText', () => {
  const text = [
    'static void act(void *p) { kfree(p); }',
    'static int helper(struct resource *r) {',
    '\treturn request_resource(&iomem_resource, r);',
    '}',
    'static int caller(struct resource *r) {',
    '\tint x = 1;',
    '\treturn helper(r) + x;',
    '}',
    'static int unrelated(void) {',
    '\tint y = 2;',
    '\treturn y * 2; /* é */',
    '}',
    'static int probe(struct device *d) { return devm_add_action_or_reset(d, act, NULL) + request_mem_region(0, 1, "x") != 0; }',
    'static int after(void) { return 3; }',
  ].join('\n');

  it('keeps relevant bodies, their callers and the devres actions they register, and takes out the rest', () => {
    const f = focusText(text, judge);
    expect(f.kept).toBe(4);
    expect(f.blanked).toBe(2);
    expect(f.text).toContain('return helper(r) + x;');
    expect(f.text).toContain('kfree(p);');
    expect(f.text).not.toContain('y * 2');
    expect(f.text).not.toContain('return 3');
  });

  it('keeps a devres action however the call is written: a comment before its name, commas in the first argument (found in review)', () => {
    for (const call of ['devm_add_action_or_reset(d, /* on failure */ act, NULL)', 'devm_add_action_or_reset(dev_of(d, 0), act, NULL)']) {
      const f = focusText(text.replace('devm_add_action_or_reset(d, act, NULL)', call), judge);
      expect(f.text).toContain('kfree(p);');
    }
  });

  it('gives the kept functions, declarations included, as the ranges to parse', () => {
    const f = focusText(text, judge);
    const parsed = (f.ranges ?? []).map((r) => f.text.slice(r.start, r.end).trim());
    // act, helper and caller follow each other: one range; then probe.
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatch(/^static void act\(void \*p\) \{ kfree\(p\); \}\nstatic int helper\(struct resource \*r\) \{[^]*return helper\(r\) \+ x;\n\}$/);
    expect(parsed[1]).toMatch(/^static int probe\(/);
    // Between them: what was taken out, which nothing parses.
    expect(f.text.slice(f.ranges?.[0]?.end, f.ranges?.[1]?.start)).toContain('unrelated');
  });

  it('parses a block it cannot tell from a function when a judge wants it', () => {
    const src = 'static int f(void) __cold\n{\n\treturn request_mem_region(0, 1, "x") != 0;\n}\nstatic int g(void) { return 1; }\n';
    const f = focusText(src, judge);
    expect(f.ranges?.map((r) => f.text.slice(r.start, r.end).trim())).toEqual(['static int f(void) __cold\n{\n\treturn request_mem_region(0, 1, "x") != 0;\n}']);
    expect(f.text).not.toContain('return 1');
  });

  it('keeps every line and column, and maps offsets back', () => {
    const f = focusText(text, judge);
    expect(f.text.length).toBeLessThan(text.length);
    const lines = text.split('\n');
    const focused = f.text.split('\n');
    expect(focused).toHaveLength(lines.length);
    for (let i = 0; i < f.text.length; i++) {
      const c = f.text[i] as string;
      if (c !== ' ' && c !== '\n') expect(text[f.toOriginal(i)], `offset ${i}`).toBe(c);
    }
    // Whatever is kept sits at its line and column.
    focused.forEach((l, i) => {
      for (let col = 0; col < l.length; col++) if (l[col] !== ' ') expect((lines[i] as string)[col], `${i + 1}:${col}`).toBe(l[col]);
    });
  });

  it('maps every kept character back to itself on generated files', () => {
    const fn = fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd'),
      calls: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'request_mem_region', 'kfree', 'x'), { maxLength: 3 }),
      lines: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(fc.property(fc.array(fn, { maxLength: 6 }), (fns) => {
      const src = fns.map((f) => `int ${f.name}(void) {${'\n\t;'.repeat(f.lines)} ${f.calls.map((c) => `${c}(0);`).join(' ')}\n}\n`).join('');
      const f = focusText(src, judge);
      expect(f.text.split('\n')).toHaveLength(src.split('\n').length);
      for (let i = 0; i < f.text.length; i++) if (!/\s/.test(f.text[i] as string)) expect(src[f.toOriginal(i)]).toBe(f.text[i]);
    }), { numRuns: 300 });
  });
});

describe('checkFile with and without focus', () => {
  let parser: CParser;
  beforeAll(async () => {
    parser = await CParser.load();
  });

  // Functions no analysis reaches, with what could confuse the lexer: braces in strings,
  // character constants, comments and preprocessor lines, and non-ASCII text.
  const UNRELATED = [
    'static int unrelated_a(int x)',
    '{',
    '\tconst char *s = "{ not a brace }"; /* } */ char c = \'}\'; // {',
    '#ifdef CONFIG_X',
    '\tif (x) { x++; }',
    '#endif',
    '\treturn x; /* déjà vu */',
    '}',
    '',
    'static void unrelated_b(void) { int y[] = { 1, 2 }; (void)y; }',
    '',
  ].join('\n');

  it('reports the same findings, offsets, fixes and notes on every fixture and example, among other functions', () => {
    const files = sampleFiles();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-focus-'));
    let blanked = 0;
    try {
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        const opts = fixtureOptions(text);
        for (const [i, variant] of [text, `${UNRELATED}${text}\n${UNRELATED}`].entries()) {
          const copy = path.join(dir, `${i}-${path.basename(file)}`);
          fs.writeFileSync(copy, variant);
          const whole = checkFile(copy, parser, opts, undefined, false);
          const focused = checkFile(copy, parser, opts, undefined, true);
          expect(focused, copy).toEqual(whole);
          blanked += focusText(variant, judge).blanked;
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(blanked).toBeGreaterThan(files.length);
  });

  /** checkFile() of `text`, focused and whole (the text written to a file of a fresh directory). */
  const checkBoth = (text: string): { focused: ReturnType<typeof checkFile>; whole: ReturnType<typeof checkFile> } => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-focus-'));
    try {
      const file = path.join(dir, 'f.c');
      fs.writeFileSync(file, text);
      const opts = fixtureOptions(text);
      return { focused: checkFile(file, parser, opts, undefined, true), whole: checkFile(file, parser, opts, undefined, false) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  /** Focused, `text` is not parsed, and reports what the whole file does (parsed, as it always is). */
  const unparsedAlike = (text: string): ReturnType<typeof checkFile> => {
    const { focused, whole } = checkBoth(text);
    expect(focused.parsed).toBe(false);
    expect(whole.parsed).toBe(true);
    expect({ ...focused, parsed: true }).toEqual(whole);
    return focused;
  };

  /** Focused, `text` is parsed, and reports what the whole file does. */
  const parsedAlike = (text: string): void => {
    const { focused, whole } = checkBoth(text);
    expect(focused.parsed).toBe(true);
    expect(focused).toEqual(whole);
  };

  it('parses nothing of a file whose model words are all outside function bodies, and reports what the whole file does', () => {
    // request_mem_region() in a comment, a macro and a prototype; an unused suppression comment.
    const text = [
      '/* Callers must not call request_mem_region() on this range. */',
      '#define GRAB(s) request_mem_region((s), 1, "x")',
      'struct resource *request_mem_region(u64 s, u64 n, const char *name);',
      '',
      'static int unrelated(int x)',
      '{',
      '\t/* iomem-lens-disable-next-line resource-leak: never leaks */',
      '\treturn x + 1;',
      '}',
      '',
    ].join('\n');
    expect(focusText(text, judge).nothing).toBe(true);
    expect(unparsedAlike(text).notes.join('\n')).toMatch(/suppress|silence/i);
  });

  it('parses nothing of a file with no function the analysis walks and no plain access to a published global', () => {
    // A `->flags` write makes set_busy() relevant, but nothing walks it: its caller is passed
    // nothing the model knows. The file also publishes a pointer, read only with acquire.
    const text = [
      '/* The region is taken with request_mem_region() elsewhere. */',
      'static struct foo *ptr;',
      'static void set_busy(struct resource *r)',
      '{',
      '\tr->flags |= IORESOURCE_BUSY;',
      '}',
      '',
      'void caller(struct resource *r)',
      '{',
      '\tset_busy(r);',
      '}',
      '',
      'void pub(struct foo *p)',
      '{',
      '\tsmp_store_release(&ptr, p);',
      '}',
      '',
      'struct foo *get(void)',
      '{',
      '\treturn smp_load_acquire(&ptr);',
      '}',
      '',
    ].join('\n');
    unparsedAlike(text);
    // A plain access to the published pointer is parsed (publish-unpaired may report it).
    parsedAlike(`${text}int plain(void)\n{\n\treturn ptr->x;\n}\n`);
  });

  it('parses nothing of a file whose model APIs act only on resources its functions cannot hold', () => {
    const held = [
      'static void drop(struct resource *r)',
      '{',
      '\trelease_resource(r);',
      '\tput_device(r->dev);',
      '}',
      '',
      'int put_back(struct resource *r)',
      '{',
      '\treturn request_resource(&ioport_resource, r);',
      '}',
      '',
    ].join('\n');
    unparsedAlike(held);
    // Written `&iomem_resource`, the request may act: the file is parsed and walked.
    parsedAlike(held.replace('&ioport_resource', '&iomem_resource'));
  });
});
