// Which plain values keep path states apart: only those a later condition or return reads.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import type { Cfg } from '../../server/src/cfg/types';
import { testedFrom } from '../../server/src/engine/explore';
import { shortcutsOf, withoutShortcuts } from '../../server/src/engine/shortcuts';
import { CParser } from '../../server/src/syntax/parser';
import { cfgOf, fixtures, options } from '../helpers';

/** The tested set at the first node whose text contains `text`. */
function testedAt(cfg: Cfg, sets: ReturnType<typeof testedFrom>, text: string, kind?: Cfg['nodes'][number]['kind']): readonly string[] {
  const i = cfg.nodes.findIndex((n) => {
    if (kind && n.kind !== kind) return false;
    const s = n.kind === 'eval' ? n.expr : n.kind === 'branch' ? n.cond : n.kind === 'return' ? n.expr : undefined;
    return s?.text.includes(text);
  });
  if (i < 0) throw new Error(`no node ${text}`);
  return sets.at(i);
}

async function endsOf(src: string, fn: string): Promise<number> {
  const parser = await CParser.load();
  const tree = parser.parse(src)!;
  let ends = -1;
  try {
    analyzeTree(tree, src, options(), undefined, { onPaths: (name, e) => (name === fn ? (ends = e.length) : undefined) });
  } finally {
    tree.delete();
  }
  return ends;
}

describe('testedFrom', () => {
  it('keeps a value only while a condition or a return still to come reads it', async () => {
    const cfg = await cfgOf(`int f(int a, int b)
{
\tint x = 0, err;
\tif (a)
\t\tx = 1;
\tif (x)
\t\tfoo();
\terr = bar();
\tif (b)
\t\tbaz(err);
\treturn err;
}`);
    const sets = testedFrom(cfg);
    expect(testedAt(cfg, sets, 'x = 1')).toEqual(['b', 'err', 'x']);
    expect(testedAt(cfg, sets, 'foo()')).toEqual(['b', 'err']);
    expect(testedAt(cfg, sets, 'baz(err)')).toEqual(['err']);
    expect(testedAt(cfg, sets, 'err', 'return')).toEqual(['err']);
  });

  it('feeds a loop condition back to the whole loop body', async () => {
    const cfg = await cfgOf(`void f(int n)
{
\tint i = 0, done = 0;
\twhile (!done) {
\t\tstep(i);
\t\tif (i++ > n)
\t\t\tdone = 1;
\t}
\tfinish();
}`);
    const sets = testedFrom(cfg);
    expect(testedAt(cfg, sets, 'step(i)')).toEqual(['done', 'i', 'n']);
    expect(testedAt(cfg, sets, 'done = 1')).toEqual(['done', 'i', 'n']);
    expect(testedAt(cfg, sets, 'finish()')).toEqual([]);
  });

  it('holds more lvalues than one 32-bit word, the 32nd included, around a loop', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    const cfg = await cfgOf(`void f(void)
{
	while (more) {
		first();
${names.map((n) => `		if (${n})
			step();`).join('\n')}
	}
}`);
    expect(testedAt(cfg, testedFrom(cfg), 'first()')).toEqual(['more', ...names]);
  });
});

describe('merging', () => {
  it('merges paths that differ only in a value nothing reads any more', async () => {
    // x is 0 or 1 until `if (x)`; after it the two paths behave alike and end as one.
    const src = `static int probe(u64 start, int a, int b)
{
\tint x = 0;

\tif (!request_mem_region(start, 4096, "x"))
\t\treturn -EBUSY;
\tif (a)
\t\tx = 1;
\tif (x)
\t\tfoo();
\tif (b)
\t\tbar();
\trelease_mem_region(start, 4096);
\treturn 0;
}`;
    expect(await endsOf(src, 'probe')).toBe(2);
    // Returned, x still tells the paths apart.
    expect(await endsOf(src.replace('return 0;\n}', 'return x;\n}'), 'probe')).toBe(3);
  });
});

describe('join shortcuts', () => {
  it('skip only joins that hand their states to one node nothing else leads to, and count them there', async () => {
    const cfg = await cfgOf(`int f(int a)
{
\tint x = 0;
\tif (a)
\t\tx = 1;
\telse
\t\tx = 2;
\twhile (x < 5)
\t\tx++;
\tswitch (a) {
\tcase 1:
\t\tx = 3;
\tdefault:
\t\tbreak;
\t}
\treturn x;
}`);
    const { to, weight } = shortcutsOf(cfg);
    const into = cfg.nodes.map((_, n) => cfg.succ.flat().filter((e) => e.to === n).length);
    let skipped = 0;
    cfg.nodes.forEach((node, j) => {
      if (to[j] === j) return;
      skipped++;
      expect(node?.kind).toBe('join');
      // The chain from j to its target: one edge each, no loop's back edge, no other way in.
      for (let t = j; t !== to[j];) {
        const out = cfg.succ[t] ?? [];
        expect(out.length).toBe(1);
        expect(out[0]?.back).toBeUndefined();
        t = out[0]?.to as number;
        expect(into[t]).toBe(1);
      }
    });
    expect(skipped).toBeGreaterThan(2);
    // Every node's visit is counted once: by itself, or by the node its chain ends at.
    expect(cfg.nodes.reduce((sum, _, j) => sum + (to[j] === j ? (weight[j] as number) : 0), 0)).toBe(cfg.nodes.length);
  });

  it('walk every rule fixture to what a walk of every node finds, budgets that run out included', async () => {
    const parser = await CParser.load();
    let partial = 0;
    const all = fs.readdirSync(path.join(__dirname, '..', 'fixtures', 'rules')).flatMap((rule) => fixtures(path.join('rules', rule)));
    expect(all.length).toBeGreaterThan(50);
    for (const { name, text } of all) {
      const tree = parser.parse(text);
      if (!tree) throw new Error('parse timed out');
      try {
        for (const bound of [undefined, 7, 23, 60, 150]) {
          const opts = options();
          if (bound !== undefined) opts.pathBound = bound;
          const run = () => JSON.stringify(analyzeTree(tree, text, opts), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
          const fast = run();
          expect(fast, `${name} with a bound of ${bound ?? 'default'} steps`).toBe(withoutShortcuts(run));
          partial += (JSON.parse(fast) as { partial: unknown[] }).partial.length;
        }
      } finally {
        tree.delete();
      }
    }
    expect(partial).toBeGreaterThan(10);
  });
});
