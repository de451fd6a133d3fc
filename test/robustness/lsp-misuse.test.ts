// LSP misuse through the real server: cancelling a long diagnostic pull, shutting down while
// a long analysis runs, stale and repeated version numbers. (Unknown documents and positions
// out of range: test/lsp/server.test.ts.)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { ROOT } from '../helpers';
import { TestClient } from '../lsp/client';

const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
const REQUEST_CANCELLED = -32800;
const INVALID_REQUEST = -32600;
const SERVER_NOT_INITIALIZED = -32002;

/**
 * Thirty functions of sixty conditional requests each: every function takes the walk to its
 * path bound (most of a second here), so the whole file takes tens of seconds.
 */
function heavyFile(): string {
  return Array.from({ length: 30 }, (_, k) => {
    const body = Array.from({ length: 60 }, (_, i) => `\tif (g(${i}) && !request_mem_region(base + ${(i + 1) * 0x10000}, 0x1000, "x"))\n\t\tgoto bad;\n`).join('');
    return `static int f${k}(u64 base)\n{\n${body}\treturn 0;\nbad:\n\treturn -EBUSY;\n}\n`;
  }).join('\n');
}

type Pulled = { items: { code?: string }[] };
const heavyUri = 'file:///tmp/iomem-lens-misuse/heavy.c';
const kmemUri = 'file:///tmp/iomem-lens-misuse/kmem.c';

let client: TestClient | undefined;
afterEach(() => client?.kill());

describe('LSP misuse', () => {
  it('honours $/cancelRequest on a long diagnostic pull, and answers other documents meanwhile', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(heavyUri, heavyFile());
    await client.open(kmemUri, kmem);
    const source = new CancellationTokenSource();
    const long = client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: heavyUri } }, source.token);
    // Another document is answered while the long analysis runs (it pauses between functions).
    const other = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: kmemUri } })) as Pulled;
    expect(other.items.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    source.cancel();
    const err = await long.then(() => 'answered in full', (e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError<unknown>).code).toBe(REQUEST_CANCELLED);
    expect(client.proc.exitCode).toBeNull();
  }, 20_000);

  it('answers shutdown at once while a long analysis runs, and exits cleanly', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(heavyUri, heavyFile());
    const pull = client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: heavyUri } }) as Promise<Pulled>;
    const settled = pull.then(() => 'a report', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    const code = await client.shutdown();
    expect(code).toBe(0);
    // The pull got an answer before the exit: an error, since the analysis was stopped (not a
    // report with no findings, which a client would show as every finding gone).
    const answer = await settled;
    expect(answer).toBeInstanceOf(ResponseError);
    expect((answer as ResponseError<unknown>).code).toBe(INVALID_REQUEST);
  }, 20_000);

  it('refuses requests before initialize, a second initialize, and requests after shutdown (found in review)', async () => {
    client = new TestClient();
    const code = async (p: Promise<unknown>): Promise<unknown> => p.then(() => 'answered', (e: unknown) => (e instanceof ResponseError ? e.code : e));
    expect(await code(client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.profile', arguments: [] }))).toBe(SERVER_NOT_INITIALIZED);
    await client.initialize({ pull: true });
    expect(await code(client.conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }))).toBe(INVALID_REQUEST);
    await client.open(kmemUri, kmem);
    // Positions that are not positions have no hover (they read as NaN and matched a finding).
    for (const position of [{ line: 29.5, character: 2 }, { line: null, character: 2 }, { line: 29 }, { character: 2 }, { line: -1, character: 0 }, null]) {
      expect(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: kmemUri }, position })).toBeNull();
    }
    expect(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: kmemUri }, position: { line: 29, character: 2 } })).not.toBeNull();
    await client.conn.sendRequest('shutdown');
    expect(await code(client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: kmemUri } }))).toBe(INVALID_REQUEST);
    expect(await code(client.conn.sendRequest('textDocument/hover', { textDocument: { uri: kmemUri }, position: { line: 29, character: 2 } }))).toBe(INVALID_REQUEST);
    expect(await code(client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.profile', arguments: [] }))).toBe(INVALID_REQUEST);
  }, 20_000);

  it('never answers with the analysis of other text when a client repeats or reuses a version number', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    const pull = async (): Promise<(string | undefined)[]> =>
      ((await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: kmemUri } })) as Pulled).items.map((d) => d.code);
    await client.open(kmemUri, kmem, 5);
    expect(await pull()).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    // The same version number again (a stale client), with the finding's line removed.
    const line = kmem.split('\n').findIndex((l) => l.includes('res->flags = '));
    expect(line).toBeGreaterThan(0);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: kmemUri, version: 5 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }],
    });
    expect(await pull()).toEqual([]);
    // An older version number, putting it back.
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: kmemUri, version: 2 }, contentChanges: [{ text: kmem }] });
    expect(await pull()).toEqual(['resource-busy-window', 'resource-flags-clobber']);
  });
});
