// Random edit sequences through the real server (fast-check): inserts and deletes anywhere,
// split tokens, unbalanced braces and comments, whole functions pasted. The server never
// crashes or hangs, every diagnostic stays inside the document, and after each sequence the
// incrementally maintained result equals a fresh open of the final text.

import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';
import { TestClient } from '../lsp/client';

const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
const pmem = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'dax-unwind-unassigned', 'pos_pmem_6_1.c'), 'utf8');

interface Diag { code?: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

const snippets = ['{', '}', '/*', '*/', '"', '(', ')', ';', 'res->flags = 0;', '\n', 'goto out;', 'request_mem_region(', pmem, '#define X(a) a\n', '\t', 'é', '\r\n'];
const editArb = fc.record({
  // Not fc.double(): its values spread over bit patterns, nearly all below 1e-10 (every edit at
  // the start of the file).
  at: fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000),
  del: fc.nat({ max: 40 }),
  ins: fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 6 })),
});

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

let client: TestClient;
beforeAll(async () => {
  client = new TestClient();
  await client.initialize({ pull: true });
});
afterAll(() => client.kill());

const pull = async (uri: string): Promise<Diag[]> => ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
const shape = (ds: Diag[]): string[] => ds.map((d) => `${d.code ?? ''}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`).sort();

describe('random edits through the server', () => {
  it('keeps the findings after a newline typed at the very start and an empty edit there (a line-widened tree edit bug)', async () => {
    const uri = 'file:///tmp/iomem-lens-start-edit.c';
    await client.open(uri, kmem);
    const before = shape(await pull(uri));
    const at0 = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: at0, text: '\n' }] });
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: at0, text: '' }] });
    const after = (await pull(uri)).map((d) => d.code);
    expect(after).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(before).toHaveLength(2);
  });

  let run = 0;
  it('never crash it, keep diagnostics inside the document, and end where a fresh parse ends', async () => {
    await fc.assert(fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 20 }), async (raw) => {
      const uri = `file:///tmp/iomem-lens-fuzz-${++run}.c`;
      let text = kmem;
      await client.open(uri, text);
      let version = 1;
      for (const e of raw) {
        const at = Math.floor(e.at * text.length);
        const end = Math.min(text.length, at + e.del);
        const change = { range: { start: position(text, at), end: position(text, end) }, text: e.ins };
        text = text.slice(0, at) + e.ins + text.slice(end);
        await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
        const ds = await pull(uri);
        const lines = text.split('\n');
        for (const d of ds) {
          expect(d.range.start.line).toBeLessThan(lines.length);
          expect(d.range.end.line).toBeLessThan(lines.length);
          expect(d.range.end.character).toBeLessThanOrEqual((lines[d.range.end.line] ?? '').length + 1);
        }
      }
      const incremental = shape(await pull(uri));
      const fresh = `${uri}.fresh.c`;
      await client.open(fresh, text);
      expect(incremental).toEqual(shape(await pull(fresh)));
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: fresh } });
    }), { numRuns: 200, seed: 20261122 });
    expect(client.proc.exitCode).toBeNull();
    expect(client.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 240_000);
});
