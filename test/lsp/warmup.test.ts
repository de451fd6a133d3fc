// The engine's warm-up: its source walks every contract family, and it runs only while the
// server has nothing else to do, stopping at shutdown.

import { describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/analysis/analyze';
import { WARMUP_SOURCE, runWhenIdle, warmUpSteps } from '../../server/src/lsp/warmup';
import { resolveSettings } from '../../server/src/settings';
import { CParser } from '../../server/src/syntax/parser';

/** Steps that count how many ran and whether the generator was closed. */
function counted(n: number, seen: { ran: number; closed: boolean }): Generator<void, void, void> {
  return (function* () {
    try {
      for (let i = 0; i < n; i++) {
        seen.ran++;
        yield;
      }
    } finally {
      seen.closed = true;
    }
  })();
}

describe('warm-up', () => {
  it('walks code that every family of rules reports on', async () => {
    const parser = await CParser.load();
    const { options } = resolveSettings({}, undefined);
    const tree = parser.parse(WARMUP_SOURCE);
    if (!tree) throw new Error('parse timed out');
    try {
      const a = analyzeTree(tree, WARMUP_SOURCE, options);
      expect(a.errors).toEqual([]);
      const rules = new Set(a.findings.map((f) => f.rule));
      for (const family of ['resource-', 'dax-', 'memmap-', 'devm-']) expect([...rules].some((r) => r.startsWith(family)), family).toBe(true);
      expect(rules.size).toBeGreaterThanOrEqual(10);
    } finally {
      tree.delete();
    }
  });

  it('walks paths the rule fixtures seldom reach: a node past its state cap, a call whose argument forks the path', async () => {
    // A walk that first meets such code after the warm-up ran the engine's hottest function
    // without feedback for it: V8 threw its optimized code away and compiled it again, and
    // the first pmem.c edits of a session walked two to three times slower meanwhile.
    const parser = await CParser.load();
    const { options } = resolveSettings({}, undefined);
    const tree = parser.parse(WARMUP_SOURCE);
    if (!tree) throw new Error('parse timed out');
    const dropped = new Map<string, number>();
    const requestsPerEnd = new Map<string, number[]>();
    try {
      analyzeTree(tree, WARMUP_SOURCE, options, undefined, {
        onPaths: (fn, ends, walk) => {
          dropped.set(fn, walk.dropped);
          requestsPerEnd.set(fn, ends.map((st) => st.ops.filter((o) => o.op.kind === 'request_region').length));
        },
      });
    } finally {
      tree.delete();
    }
    expect(dropped.get('w_many_paths')).toBeGreaterThan(0);
    // The paths that made the first request fill the cap of the nodes after the flags; those
    // that did not are let through anyway (a model history not seen there yet), and each of
    // them requests again as an argument of w_check() (the call's arguments fork the path).
    const requests = new Set(requestsPerEnd.get('w_many_paths'));
    expect(requests.has(3) && requests.has(2)).toBe(true);
  });

  it('analyzes the source the given number of rounds, a step per function walked', async () => {
    const parser = await CParser.load();
    const { options } = resolveSettings({}, undefined);
    const tree = parser.parse(WARMUP_SOURCE);
    if (!tree) throw new Error('parse timed out');
    const walkedPerRound = analyzeTree(tree, WARMUP_SOURCE, options).analyzed;
    tree.delete();
    let steps = 0;
    for (const _ of warmUpSteps(parser, options, 3)) steps++;
    expect(steps).toBe(3 * walkedPerRound);
  });

  it('runs only while nothing else is busy, and to the end', async () => {
    const seen = { ran: 0, closed: false };
    let busy = true;
    const done = runWhenIdle(counted(50, seen), () => busy, () => false, 1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen.ran).toBe(0);
    busy = false;
    expect(await done).toBe(true);
    expect(seen).toEqual({ ran: 50, closed: true });
  });

  it('stops when told, closing the steps', async () => {
    const seen = { ran: 0, closed: false };
    // Steps of 2 ms in slices of 1 ms: told to stop before the third slice.
    const steps = (function* () {
      try {
        for (let i = 0; i < 50; i++) {
          const until = performance.now() + 2;
          while (performance.now() < until) { /* a walk */ }
          seen.ran++;
          yield;
        }
      } finally {
        seen.closed = true;
      }
    })();
    let looks = 0;
    expect(await runWhenIdle(steps, () => false, () => ++looks > 2, 1)).toBe(false);
    expect(seen).toEqual({ ran: 2, closed: true });
  });

  it('gives the event loop a turn between slices', async () => {
    const order: string[] = [];
    const slowSteps = (function* () {
      for (let i = 0; i < 5; i++) {
        const until = performance.now() + 3;
        while (performance.now() < until) { /* a walk */ }
        order.push('step');
        yield;
      }
    })();
    const done = runWhenIdle(slowSteps, () => false, () => false, 1);
    setTimeout(() => order.push('request'), 0);
    await done;
    expect(order.indexOf('request')).toBeLessThan(order.length - 1);
  });
});
