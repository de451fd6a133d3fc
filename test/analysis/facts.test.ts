// collectFacts() keeps what it learns from each body by the body's hash (the editor collects
// the facts of every body at each edit): answers must follow the bodies as they change.

import { describe, expect, it } from 'vitest';
import { fileDefines } from '../../server/src/analysis/defines';
import { collectFacts, withEveryCaller } from '../../server/src/analysis/facts';
import { findFunctions } from '../../server/src/syntax/functions';
import { CParser } from '../../server/src/syntax/parser';

async function facts(text: string, memo = true, everyCaller = false): Promise<{ relevant: string[]; entries: string[]; releasers: string[]; creators: string[] }> {
  const parser = await CParser.load();
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse timed out');
  try {
    const collect = (): ReturnType<typeof collectFacts> => collectFacts(text, findFunctions(tree, text), memo);
    const f = everyCaller ? withEveryCaller(collect) : collect();
    return { relevant: [...f.relevant].sort(), entries: [...f.entries].sort(), releasers: [...f.releasers].sort(), creators: [...f.creators].sort() };
  } finally {
    tree.delete();
  }
}

const file = (helper: string): string => `static int helper(u64 s)
{
\t${helper}
}

int caller(u64 s)
{
\treturn helper(s);
}

int other(u64 s)
{
\treturn s ? 0 : 1;
}
`;

describe('collectFacts', () => {
  it('follows a body that starts and stops naming the model, and the callers of it', async () => {
    const plain = await facts(file('return s;'));
    expect(plain).toEqual({ relevant: [], entries: [], releasers: [], creators: [] });
    const requests = await facts(file('return request_mem_region(s, 1, "x") ? 0 : -EBUSY;'));
    expect(requests).toEqual({ relevant: ['helper'], entries: ['caller', 'helper'], releasers: [], creators: ['helper'] });
    // caller() passes the helper nothing the model knows, and the helper creates nothing: its
    // walk would not walk the helper (valueSources.ts), so caller() is no entry.
    const releases = await facts(file('release_mem_region(s, 1); return 0;'));
    expect(releases).toEqual({ relevant: ['helper'], entries: ['helper'], releasers: ['helper'], creators: [] });
    // Back to the first text: the remembered answers are the first ones.
    expect(await facts(file('return s;'))).toEqual(plain);
    expect(await facts(file('return request_mem_region(s, 1, "x") ? 0 : -EBUSY;'))).toEqual(requests);
    // The same body with another set of relevant names around it: `other` calls none of them.
    expect((await facts(`${file('return request_mem_region(s, 1, "x") ? 0 : -EBUSY;')}\nint more(u64 s)\n{\n\treturn other(s);\n}\n`)).entries).toEqual(['caller', 'helper']);
  });

  it('makes a caller of a relevant function an entry only when its walk can hold a model value', async () => {
    const releaser = (caller: string): string => `static int helper(struct resource *r)
{
\trelease_resource(r);
\treturn 0;
}

${caller}
`;
    const entries = async (caller: string): Promise<string[]> => (await facts(releaser(caller))).entries;
    // helper() releases only what it is passed, which on its own walk is nothing the model holds:
    // it is walked where a caller that can hold a resource inlines it, not on its own.
    expect(await entries('int caller(void *p)\n{\n\treturn helper(p);\n}')).toEqual([]);
    // A modeled API (kzalloc() is one, though it triggers nothing), ERR_PTR(), a devres action,
    // a __free() variable: each can give the walk a model value to pass on.
    expect(await entries('int caller(void)\n{\n\tstruct resource *r = kzalloc(sizeof(*r), GFP_KERNEL);\n\treturn helper(r);\n}')).toEqual(['caller']);
    expect(await entries('int caller(void)\n{\n\treturn helper(ERR_PTR(-EINVAL));\n}')).toEqual(['caller']);
    expect(await entries('int caller(struct device *d, void *p)\n{\n\thelper(p);\n\treturn devm_add_action_or_reset(d, undo, p);\n}')).toEqual(['caller']);
    expect(await entries('int caller(void)\n{\n\tstruct resource *r __free(kfree) = NULL;\n\treturn helper(r);\n}')).toEqual(['caller']);
    // A static helper that creates something is walked whatever it is passed.
    const creator = `static struct resource *grab(u64 s)\n{\n\treturn request_mem_region(s, 1, "x");\n}\n\nint caller(u64 s)\n{\n\treturn grab(s) ? 0 : -EBUSY;\n}\n`;
    expect((await facts(creator)).entries).toEqual(['caller', 'grab']);
    // A helper relevant only for its `->flags` write acts on a resource passed to it, which a
    // caller naming no modeled API that creates one cannot hold: no entry, though it allocates.
    const flags = `static void set_busy(struct resource *r)\n{\n\tr->flags |= IORESOURCE_BUSY;\n}\n\nint caller(void)\n{\n\tstruct resource *r = kzalloc(sizeof(*r), GFP_KERNEL);\n\tset_busy(r);\n\treturn 0;\n}\n`;
    expect(await facts(flags)).toEqual({ relevant: ['set_busy'], entries: [], releasers: [], creators: [] });
    // What initialState() gives: a hold of hotplug the comment documents.
    expect(await entries('/* The caller must hold mem_hotplug_lock. */\nint caller(void *p)\n{\n\treturn helper(p);\n}')).toEqual(['caller']);
  });

  it('walks a function that names only APIs acting on a held resource only when it can hold one, or names &iomem_resource', async () => {
    const fn = (body: string): string => `int f(struct resource *r, struct resource *parent)\n{\n\t${body}\n}\n`;
    const entries = async (body: string): Promise<string[]> => (await facts(fn(body))).entries;
    // Nothing for them to act on: what the function is passed is no resource the model holds.
    expect(await entries('release_resource(r);\n\treturn 0;')).toEqual([]);
    expect(await entries('remove_resource(r);\n\treturn adjust_resource(r, 0x1000, 0x100);')).toEqual([]);
    expect(await entries('return request_resource(&ioport_resource, r);')).toEqual([]);
    expect(await entries('return __request_region(parent, 0x1000, 0x100, "x", 0) ? 0 : -EBUSY;')).toEqual([]);
    // `&iomem_resource` written as such is one; a request gives one; so may a devres action.
    expect(await entries('return request_resource(&iomem_resource, r);')).toEqual(['f']);
    expect(await entries('return insert_resource(&iomem_resource, r) ?: release_resource(r);')).toEqual(['f']);
    expect(await entries('struct resource *res = request_mem_region(0x1000, 0x100, "x");\n\trelease_resource(res);\n\treturn 0;')).toEqual(['f']);
    expect(await entries('release_resource(r);\n\treturn devm_add_action_or_reset(NULL, undo, r);')).toEqual(['f']);
    // A static helper that creates something counts for its callers only if it can act alone.
    const helper = (body: string): string => `static int link(struct resource *parent, struct resource *r)\n{\n\t${body}\n}\n\nint caller(struct resource *p, struct resource *r)\n{\n\treturn link(p, r);\n}\n`;
    expect((await facts(helper('return request_resource(parent, r);'))).entries).toEqual([]);
    expect((await facts(helper('return request_resource(&iomem_resource, r);'))).entries).toEqual(['caller', 'link']);
    expect((await facts(helper('r = kzalloc(sizeof(*r), GFP_KERNEL);\n\treturn request_resource(parent, r);'))).entries).toEqual(['caller', 'link']);
    // The rule fixtures report the same with every such function walked (entries.test.ts).
    expect((await facts(fn('release_resource(r);\n\treturn 0;'), true, true)).entries).toEqual(['f']);
  });

  it('gives the same answers without keeping bodies (a CLI run reads each text once)', async () => {
    for (const body of ['return s;', 'return request_mem_region(s, 1, "x") ? 0 : -EBUSY;', 'release_mem_region(s, 1); return 0;']) {
      expect(await facts(file(body), false)).toEqual(await facts(file(body)));
    }
    expect(await facts(file('return request_mem_region(s, 1, "x") ? 0 : -EBUSY;'), false))
      .toEqual({ relevant: ['helper'], entries: ['caller', 'helper'], releasers: [], creators: ['helper'] });
  });
});

describe('fileDefines', () => {
  it('reads a #define only at a line\'s start, its continued lines as its own', () => {
    const text = [
      '#define A \\',
      '#define B 1', // part of A's value, not a define of its own
      '  #  define D 3',
      '#define E 4\r', // a CRLF line
      'x #define G 6', // not at a line's start
      '#define H(x) x', // function-like: not a constant
      '#define I',
      '#defineJ 1',
      '# define K /* c */ 7 // d',
      '\t#\tdefine M define N',
    ].join('\n');
    expect([...fileDefines(text)]).toEqual([
      ['A', '#define B 1'], ['D', '3'], ['E', '4'], ['I', ''], ['K', '7'], ['M', 'define N'],
    ]);
  });
});
