// Delimiting functions in macro-heavy kernel C.

import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textHash } from '../../server/src/textHash';
import { FunctionInfo, findFunctions } from '../../server/src/syntax/functions';
import { maskKernelMacros } from '../../server/src/syntax/macros';
import { CParser } from '../../server/src/syntax/parser';
import { sampleFiles } from '../helpers';

async function names(src: string): Promise<string[]> {
  const p = await CParser.load();
  const tree = p.parse(src)!;
  try {
    return findFunctions(tree, src).map((f) => `${f.isStatic ? 'static ' : ''}${f.name}@${f.nameLine + 1}`);
  } finally {
    tree.delete();
  }
}

describe('function delimiting', () => {
  it('finds plain and static functions with their name lines', async () => {
    expect(await names('int a(void)\n{\n\treturn 0;\n}\nstatic long\nb(int x)\n{\n\treturn x;\n}\n')).toEqual(['a@1', 'static b@6']);
  });

  it('sees through attribute macros (__init, __must_check, __acquires(...))', async () => {
    const src = [
      'static int __init foo_init(void)',
      '{',
      '\treturn 0;',
      '}',
      'static void __exit',
      'foo_exit(void)',
      '{',
      '}',
      'int __must_check bar(struct resource *r) __acquires(r->lock)',
      '{',
      '\treturn 1;',
      '}',
    ].join('\n');
    expect(await names(src)).toEqual(['static foo_init@1', 'static foo_exit@6', 'bar@9']);
  });

  it('recovers an unknown attribute macro that makes the name parse as a type', async () => {
    expect(await names('static int __unknown_attr baz(void)\n{\n\treturn 0;\n}\n')).toEqual(['static baz@1']);
  });

  it('names SYSCALL_DEFINE bodies after their first argument', async () => {
    expect(await names('SYSCALL_DEFINE2(getprio, int, which, int, who)\n{\n\treturn 0;\n}\n')).toEqual(['getprio@1']);
  });

  it('finds functions inside #ifdef and after broken regions', async () => {
    const src = [
      '#ifdef CONFIG_FOO',
      'static int in_ifdef(void)',
      '{',
      '\treturn 0;',
      '}',
      '#endif',
      'DEFINE_SOMETHING(x, y) = { .a = ;',
      'int after_error(void)',
      '{',
      '\treturn 0;',
      '}',
    ].join('\n');
    const got = await names(src);
    expect(got).toContain('static in_ifdef@2');
    expect(got).toContain('after_error@8');
  });

  it('never throws on hostile input', async () => {
    for (const src of ['', '{{{{{{', '}}}}', '/* unterminated', '"unterminated', '\0\0\0', 'int f( {', '{'.repeat(5000)]) {
      await expect(names(src)).resolves.toBeInstanceOf(Array);
    }
  });
});

describe('remembered definitions (the editor delimits every function again at each edit)', () => {
  const plain = (fns: FunctionInfo[]): unknown[] => fns.map(({ node, hash, ...rest }) => ({ ...rest, node: [node.type, node.startIndex, node.endIndex] }));

  it('give what reading the tree gives, as edits move, indent, rename and break functions', async () => {
    const p = await CParser.load();
    const files = sampleFiles().filter((f) => /resource|hotplug|dax|pmem/.test(f)).slice(0, 6).map((f) => fs.readFileSync(f, 'utf8'));
    // `static int MACRO name(void)`: named by its type, and static only through the declaration before it.
    files.push('static int\nFOO_ATTR helper(void)\n{\n\treturn 0;\n}\nint user(void)\n{\n\treturn helper();\n}\n');
    const insert = fc.constantFrom(' ', '\n', '\t', 'x', 'static ', '{', '}', ';', '(', '/* c */', 'int y(void) { return 0; }\n');
    fc.assert(fc.property(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), insert), { minLength: 1, maxLength: 6 }), (k, edits) => {
      let text = files[k] as string;
      for (const [at, s] of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + s + text.slice(i);
        const tree = p.parse(text)!;
        try {
          const remembered = findFunctions(tree, text, { remember: true });
          expect(plain(remembered)).toEqual(plain(findFunctions(tree, text)));
          for (const f of remembered) expect(f.hash).toBe(textHash(text.slice(f.start, f.end)));
        } finally {
          tree.delete();
        }
      }
    }), { numRuns: 150 });
  });
});

describe('macro masking', () => {
  it('keeps every offset: same length, newlines untouched', () => {
    const src = 'static int __init f(void __iomem *p) __must_hold(&lock)\n{\n}\n';
    const m = maskKernelMacros(src);
    expect(m.length).toBe(src.length);
    const blank = (w: string): string => ' '.repeat(w.length);
    expect(m).toBe(`static int ${blank('__init')} f(void ${blank('__iomem')} *p) ${blank('__must_hold(&lock)')}\n{\n}\n`);
  });

  it('does not mask __free(), which the analysis reads', () => {
    const src = 'struct foo *p __free(kfree) = NULL;';
    expect(maskKernelMacros(src)).toBe(src);
  });
});
