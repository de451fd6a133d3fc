// CFG construction on goto-heavy kernel shapes and macro statements.

import { describe, expect, it } from 'vitest';
import type { Cfg, CfgNode } from '../../server/src/cfg/types';
import { cfgOf } from '../helpers';

const find = (cfg: Cfg, pred: (n: CfgNode) => boolean): CfgNode => {
  const n = cfg.nodes.find(pred);
  if (!n) throw new Error('node not found');
  return n;
};
const evalOf = (cfg: Cfg, text: string): CfgNode => find(cfg, (n) => n.kind === 'eval' && n.expr.text.includes(text));

/** Every node reachable from `from` (following all edges). */
function reach(cfg: Cfg, from: number): Set<number> {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const e of cfg.succ[n] ?? []) stack.push(e.to);
  }
  return seen;
}

describe('CFG', () => {
  it('wires gotos to their labels and unwinds fall through the label chain', async () => {
    const cfg = await cfgOf(`int probe(void)
{
	int rc;
	rc = a();
	if (rc)
		goto out;
	rc = b();
	if (rc)
		goto out_a;
	return 0;
out_a:
	undo_a();
out:
	return rc;
}`);
    expect(cfg.unresolvedGotos).toEqual([]);
    const outA = find(cfg, (n) => n.kind === 'label' && n.name === 'out_a');
    const out = find(cfg, (n) => n.kind === 'label' && n.name === 'out');
    const undo = evalOf(cfg, 'undo_a');
    expect(reach(cfg, outA.id).has(undo.id)).toBe(true);
    expect(reach(cfg, outA.id).has(out.id)).toBe(true);
    // The first goto skips undo_a().
    const first = find(cfg, (n) => n.kind === 'branch' && n.cond.text === 'rc');
    const taken = cfg.succ[first.id]!.find((e) => e.cond === true)!;
    const viaFirst = reach(cfg, taken.to);
    expect(viaFirst.has(out.id)).toBe(true);
  });

  it('reports gotos to labels that do not exist', async () => {
    const cfg = await cfgOf('int f(void)\n{\n\tgoto nowhere;\n}\n');
    expect(cfg.unresolvedGotos).toEqual(['nowhere']);
  });

  it('gives loops a back edge and exits on the false branch', async () => {
    const cfg = await cfgOf('void f(int n)\n{\n\tfor (int i = 0; i < n; i++) {\n\t\tif (x(i))\n\t\t\tcontinue;\n\t\ty(i);\n\t}\n\tz();\n}\n');
    const head = find(cfg, (n) => n.kind === 'branch' && n.cond.text === 'i < n');
    expect(head.kind === 'branch' && head.loop).toBe(0);
    const backs = cfg.succ.flatMap((es) => es.filter((e) => e.back === 0));
    expect(backs.length).toBeGreaterThan(0);
    expect(reach(cfg, head.id).has(evalOf(cfg, 'z()').id)).toBe(true);
  });

  it('marks a goto back to a label above it as a loop\'s back edge, one loop per label (found in a profile: swsusp_free())', async () => {
    const cfg = await cfgOf(`int f(int n)
{
retry:
	if (a())
		goto retry;
	if (b())
		goto retry;
	if (n)
		goto out;
	c();
out:
	return 0;
}`);
    const retry = find(cfg, (n) => n.kind === 'label' && n.name === 'retry');
    const out = find(cfg, (n) => n.kind === 'label' && n.name === 'out');
    const into = (id: number) => cfg.succ.flatMap((es) => es.filter((e) => e.to === id));
    const backs = into(retry.id).filter((e) => e.back !== undefined);
    expect(backs).toHaveLength(2);
    expect(new Set(backs.map((e) => e.back)).size).toBe(1);
    // A goto down to a label is not a loop.
    expect(into(out.id).every((e) => e.back === undefined)).toBe(true);
  });

  it('reads a for_each macro with a block as a loop, and scoped_guard as a block run once', async () => {
    const cfg = await cfgOf(`void f(void)
{
	list_for_each_entry(pos, &head, list) {
		visit(pos);
	}
	scoped_guard(mutex, &lock) {
		locked();
	}
}`);
    const visit = evalOf(cfg, 'visit(pos)');
    expect(reach(cfg, visit.id).has(visit.id)).toBe(true); // on a cycle
    expect(cfg.succ.some((es) => es.some((e) => e.back !== undefined))).toBe(true);
    const locked = evalOf(cfg, 'locked()');
    const cycles = [...reach(cfg, cfg.succ[locked.id]![0]!.to)].includes(locked.id);
    expect(cycles).toBe(false);
  });

  it('reads a for_each macro that parses as a nested function definition as a loop (mm/kmemleak.c)', async () => {
    const cfg = await cfgOf(`void f(void)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		unsigned long pfn = zone->zone_start_pfn;

		visit(pfn);
	}
	done();
}`);
    const visit = evalOf(cfg, 'visit(pfn)');
    expect(reach(cfg, cfg.entry).has(visit.id)).toBe(true);
    expect(reach(cfg, visit.id).has(visit.id)).toBe(true); // on a cycle
    expect(reach(cfg, visit.id).has(evalOf(cfg, 'done()').id)).toBe(true);
  });

  it('falls through switch cases and leaves on break', async () => {
    const cfg = await cfgOf('int f(int k)\n{\n\tswitch (k) {\n\tcase 1:\n\t\ta();\n\tcase 2:\n\t\tb();\n\t\tbreak;\n\tdefault:\n\t\tc();\n\t}\n\treturn 0;\n}\n');
    const a = evalOf(cfg, 'a()');
    const b = evalOf(cfg, 'b()');
    const c = evalOf(cfg, 'c()');
    expect(reach(cfg, a.id).has(b.id)).toBe(true);
    expect(reach(cfg, b.id).has(c.id)).toBe(false);
  });

  it('recovers __free() declarations, in both shapes tree-sitter produces', async () => {
    const cfg = await cfgOf(`int f(void)
{
	struct foo *p __free(kfree) = kzalloc(10, GFP_KERNEL);
	struct dax_device *dax_dev __free(cleanup_dax) = NULL;
	return 0;
}`);
    const decls = cfg.nodes.filter((n) => n.kind === 'decl').map((n) => n.kind === 'decl' && `${n.name}:${n.cleanup}:${n.init?.text}`);
    expect(decls).toEqual(['p:kfree:kzalloc(10, GFP_KERNEL)', 'dax_dev:cleanup_dax:NULL']);
  });

  it('keeps statements inside an ERROR region', async () => {
    const cfg = await cfgOf('int f(void)\n{\n\ta();\n\tint x = = 3;\n\tb();\n\treturn 0;\n}\n');
    expect(() => evalOf(cfg, 'b()')).not.toThrow();
  });
});

describe('CFG object shapes', () => {
  it('gives every node the same fields in the same order, and every edge too (the walk reads them at each visit)', async () => {
    const cfg = await cfgOf(`static int probe(struct device *dev, int n)
{
	struct foo *p __free(kfree) = kzalloc(sizeof(*p), GFP_KERNEL);
	int i, rc = 0;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		switch (i) {
		case 0:
			rc = setup(dev);
			break;
		default:
			goto out;
		}
	}
out:
	return rc;
}`);
    const kinds = new Set(cfg.nodes.map((n) => n.kind));
    for (const k of ['entry', 'exit', 'decl', 'branch', 'switch', 'return', 'label', 'eval', 'join']) expect(kinds.has(k as CfgNode['kind']), k).toBe(true);
    const nodeKeys = new Set(cfg.nodes.map((n) => Object.keys(n).join(',')));
    expect(nodeKeys.size).toBe(1);
    const edges = cfg.succ.flat();
    expect(edges.some((e) => e.back !== undefined) && edges.some((e) => e.caseValue !== undefined) && edges.some((e) => e.cond !== undefined)).toBe(true);
    expect(new Set(edges.map((e) => Object.keys(e).join(','))).size).toBe(1);
  });
});
