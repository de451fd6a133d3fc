// The per-function result cache: an edit above a function and the helpers it inlines keeps
// their results (they move together); an edit between them, or one that moves a function whose
// messages cite lines, does not; a reused result says what a fresh analysis would.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeSteps } from '../../server/src/analysis/analyze';
import type { FileAnalysis } from '../../server/src/analysis/finding';
import { CParser } from '../../server/src/syntax/parser';
import { ROOT, options } from '../helpers';

/** The analysis of `text` with `cache`, and the functions it had to walk (not reused). */
async function run(text: string, cache?: FunctionCache): Promise<{ a: FileAnalysis; walked: string[] }> {
  const parser = await CParser.load();
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse timed out');
  try {
    const steps = analyzeSteps(tree, text, options(), cache);
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
    const between = await run(file('', '/* between */'), cache);
    expect(between.walked).toContain('probe');
    expect(shown(between.a)).toEqual(shown((await run(file('', '/* between */'))).a));
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
});
