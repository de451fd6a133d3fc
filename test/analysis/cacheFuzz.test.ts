// The editor's result cache against no cache (fast-check): random edits to a file of the rule
// catalogue's examples (static helpers above and below their callers, goto unwinding, DAX) and
// a body with an `#if`, kept as the server keeps it (incremental reparse, functions carried
// over, one cache for the whole sequence). After every edit the cached analysis says what an
// analysis of a fresh parse of the same text, with no cache, says. Edits include typing into
// preprocessor directives, which can put every function below inside an ERROR node, and
// whole lines out or statements in, returns flipped between success and failure, and blanks. It
// compares findings with their traces and quick fixes, and the call facts hovers read. It finds
// a key without the helpers' tokens, a reuse that ignores the function's line or its helpers'
// places, and call facts not moved across a spacing edit (each tried); a blank that moves the
// parser's recovery inside a broken function, and a helper's comment, are pinned in
// functionCache.test.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeTree } from '../../server/src/analysis/analyze';
import type { FileAnalysis } from '../../server/src/analysis/finding';
import { DocumentStore } from '../../server/src/lsp/documents';
import { CParser, Tree } from '../../server/src/syntax/parser';
import { ROOT, options } from '../helpers';

const fixture = (rule: string, name: string): string => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', rule, name), 'utf8');

const SOURCE = [
  `static umode_t foo_visible(struct kobject *kobj, struct attribute *a, int n)
{
#ifndef CONFIG_ARCH_HAS_PMEM_API
\tif (a == &dev_attr_write_cache.attr)
\t\treturn 0;
#endif
\treturn a->mode;
}
`,
  fixture('resource-busy-window', 'pos_helper_clears.c'),
  // A helper below its caller: an edit between them moves only the helper, where a trace points.
  `static void clear_busy(struct resource *r);

static int plug_below(u64 base, u64 len)
{
\tstruct resource *res;

\tres = request_mem_region(base, len, "plug");
\tif (!res)
\t\treturn -EBUSY;
\tclear_busy(res);
\treturn add_memory_driver_managed(0, base, len, "System RAM (plug)", MHP_NONE);
}

static void clear_busy(struct resource *r)
{
\tr->flags &= ~IORESOURCE_BUSY;
}
`,
  fixture('resource-unwind-foreign', 'pos_container_helpers.c'),
  // A caller with no finding and its helper: an edit of the helper alone can give it one.
  `static int grab_region(u64 start, u64 size)
{
\tif (!request_mem_region(start, size, "grab"))
\t\treturn -EBUSY;
\treturn 0;
}

static int use_region(u64 start, u64 size)
{
\tvoid *p;
\tint rc = grab_region(start, size);

\tif (rc)
\t\treturn rc;
\tp = ioremap(start, size);
\tif (!p) {
\t\trelease_mem_region(start, size);
\t\treturn -ENOMEM;
\t}
\treturn 0;
}
`,
  fixture('dax-unwind-unassigned', 'pos_pmem_6_1.c'),
  // A page looked up, then a sleep: a comment above saying the caller holds hotplug clears it.
  fixture('memmap-online-stale', 'pos_sleep_after_lookup.c'),
].join('\n');

const opts = options();

const analysis = (tree: Tree, text: string, cache?: FunctionCache): FileAnalysis => analyzeTree(tree, text, opts, cache, { file: 'fuzz.c' });

// Everything a result carries: findings with their traces and quick fixes (edits at offsets), and
// the call facts hovers read (offsets too).
const shown = (a: FileAnalysis): string[] => [
  ...a.findings.map((f) => `${f.line}:${f.col}:${f.start}-${f.end}:${f.rule}: ${f.message} | ${f.trace.map((t) => `${t.line}:${t.col} ${t.message}`).join(' / ')}${f.fix ? ` | fix ${f.fix.title}: ${JSON.stringify(f.fix.edits)}` : ''}`),
  ...a.calls.map((c) => `call ${JSON.stringify(c)}`),
  ...a.errors.map((e) => `error ${e.function}: ${e.reason}`),
  ...a.partial.map((p) => `partial ${p.function}`),
];

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/**
 * Where in the file (or which of its lines, returns, directives), in [0, 1). Not fc.double(),
 * whose values spread over their bit patterns (nearly all below 1e-10: every edit at the start
 * of the file); the integers are mostly uniform, with fast-check's usual share at the bounds.
 */
const place = fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000);

const snippets = [' ', '\n', '{', '}', ';', '(', ')', 'x', '#endif\n', '#if X\n', '#else\n', 'goto out;', 'release_resource(res);', '/*', '*/'];
const edit = fc.oneof(
  // Anywhere: a few characters out, a snippet in.
  fc.record({ kind: fc.constant('at' as const), at: place, del: fc.nat({ max: 3 }), ins: fc.constantFrom(...snippets) }),
  // Into a preprocessor directive: one of the file's `#` lines, split or cut.
  fc.record({ kind: fc.constant('directive' as const), which: place, into: fc.integer({ min: 1, max: 5 }), del: fc.nat({ max: 1 }), ins: fc.constantFrom(' ', '', 'x') }),
  // Spacing only: the edit a result is reused across, its positions moved.
  fc.record({ kind: fc.constant('at' as const), at: place, del: fc.constant(0), ins: fc.constantFrom(' ', '\t', '\n', '\n\n') }),
  // A success return made a failure, or the other way round.
  fc.record({ kind: fc.constant('return' as const), which: place }),
  // A whole line out, or a statement in after one: what changes findings (a helper that no
  // longer releases, an unwind that returns early).
  fc.record({ kind: fc.constant('line' as const), which: place, del: fc.boolean(), ins: fc.constantFrom('', '\treturn 0;\n', '\trelease_resource(res);\n', '\tres->flags = 0;\n', '\tgoto out;\n', '\tkfree(res);\n') }),
  // A number's last digit changed: a `#define`d size, a range's start, a flag (what the model computes with).
  fc.record({ kind: fc.constant('number' as const), which: place, digit: fc.constantFrom('0', '1', '3', '8') }),
  // A file-scope `static` taken away or given (a helper that is inlined, or a global that pairs only in its file).
  fc.record({ kind: fc.constant('static' as const), which: place }),
  // A comment put above a function: one that says its caller holds memory hotplug changes its walk.
  fc.record({ kind: fc.constant('comment' as const), which: place, note: fc.constantFrom('/* The caller holds mem_hotplug_lock. */\n', '/* Nothing to say. */\n') }),
);

describe('function cache against no cache', () => {
  it('gives the findings of a fresh analysis after every edit of a random sequence', async () => {
    const parser = await CParser.load();
    let run = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
      const store = new DocumentStore(parser);
      const cache = new FunctionCache();
      const uri = `file:///tmp/iomem-lens-cache-fuzz-${++run}.c`;
      let text = SOURCE;
      let version = 1;
      store.open(uri, 'c', version, text);
      analysis(store.get(uri)?.tree as Tree, text, cache);
      try {
        for (const e of edits) {
          let at: number;
          let end: number;
          if (e.kind === 'at') {
            at = Math.floor(e.at * text.length);
            end = Math.min(text.length, at + e.del);
          } else if (e.kind === 'return') {
            const returns = [...text.matchAll(/return (?:0|1|-ENOMEM);/g)];
            const r = returns[Math.floor(e.which * returns.length)];
            if (!r) continue;
            at = r.index + 'return '.length;
            end = at + (r[0].length - 'return ;'.length);
          } else if (e.kind === 'number') {
            const numbers = [...text.matchAll(/\b(?:0x[0-9a-fA-F]+|\d+)\b/g)];
            const n = numbers[Math.floor(e.which * numbers.length)];
            if (!n) continue;
            at = n.index + n[0].length - 1;
            end = at + 1;
          } else if (e.kind === 'static') {
            const lines = [...text.matchAll(/^(?:static |(?=(?:int|void|bool|u64|struct \w+) ))/gm)];
            const l = lines[Math.floor(e.which * lines.length)];
            if (!l) continue;
            at = l.index;
            end = at + l[0].length;
          } else if (e.kind === 'comment') {
            const defs = [...text.matchAll(/^(?:static )?\w[\w\s*]*\(/gm)];
            const d = defs[Math.floor(e.which * defs.length)];
            if (!d) continue;
            at = d.index;
            end = at;
          } else if (e.kind === 'line') {
            const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)].filter((i) => i < text.length);
            at = starts[Math.floor(e.which * starts.length)] as number;
            const next = text.indexOf('\n', at);
            end = e.del ? (next < 0 ? text.length : next + 1) : at;
          } else {
            const starts = [...text.matchAll(/^#/gm)].map((m) => m.index);
            if (!starts.length) continue;
            at = Math.min(text.length, (starts[Math.floor(e.which * starts.length)] as number) + e.into);
            end = Math.min(text.length, at + e.del);
          }
          const ins = e.kind === 'return' ? (text.slice(at, end) === '0' ? '1' : '0')
            : e.kind === 'number' ? e.digit
            : e.kind === 'static' ? (end > at ? '' : 'static ')
            : e.kind === 'comment' ? e.note
            : e.ins;
          store.change(uri, ++version, [{ range: { start: position(text, at), end: position(text, end) }, text: ins }]);
          text = text.slice(0, at) + ins + text.slice(end);
          const doc = store.get(uri);
          expect(doc?.doc.getText()).toBe(text);
          const cached = shown(analysis(doc?.tree as Tree, text, cache));
          const tree = parser.parse(text);
          if (!tree) throw new Error('parse timed out');
          try {
            expect(cached).toEqual(shown(analysis(tree, text)));
          } finally {
            tree.delete();
          }
        }
      } finally {
        store.close(uri);
      }
    }), {
      // The same sequences in every run; IOMEM_FUZZ_SEED and IOMEM_FUZZ_RUNS hunt further by hand.
      numRuns: Number(process.env.IOMEM_FUZZ_RUNS ?? 300), seed: Number(process.env.IOMEM_FUZZ_SEED ?? 20261201),
    });
  }, 120_000);
});
