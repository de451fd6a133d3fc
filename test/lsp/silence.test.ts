// Noise control in the editor: suppression comments and the workspace baseline hide
// diagnostics, as they do in `iomem-lens check`.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';
import { TestClient, positionOf } from './client';

const kmem = fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c'), 'utf8');
const BOTH = ['resource-busy-window', 'resource-flags-clobber'];
const COMMENT = '/* Leave BUSY clear';

let client: TestClient | undefined;
afterEach(() => {
  client?.kill();
  client = undefined;
});

async function pull(uri: string): Promise<(string | undefined)[]> {
  const r = (await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code?: string }[] };
  return r.items.map((d) => d.code);
}

/** Replaces the first `needle` of `text` in the open document, as an incremental edit. */
async function edit(uri: string, text: string, needle: string, by: string, version: number): Promise<string> {
  const start = positionOf(text, needle);
  await client!.conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ range: { start, end: { line: start.line, character: start.character + needle.length } }, text: by }],
  });
  return text.replace(needle, by);
}

function workspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-ws-'));
  fs.writeFileSync(path.join(ws, 'kmem.c'), kmem);
  return ws;
}

describe('noise control in the language server', () => {
  it('hides the diagnostic a suppression comment names, and shows it again when the comment goes', async () => {
    const text = kmem.replace(`\t${COMMENT}`, `\t/* iomem-lens-disable-next-line resource-busy-window: kmem owns the range */\n\t${COMMENT}`);
    const uri = 'file:///tmp/iomem-lens-suppress-test.c';
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, text);
    expect(await pull(uri)).toEqual(['resource-flags-clobber']);
    await edit(uri, text, 'iomem-lens-disable-next-line', 'no longer a directive', 2);
    expect(await pull(uri)).toEqual(BOTH);
  });

  it('shows suppression comments that need attention as hints: no reason, unknown rule, nothing hidden', async () => {
    const text = kmem.replace(`\t${COMMENT}`, `\t/* iomem-lens-disable-next-line resource-busy-window */\n\t${COMMENT}`)
      .replace('\tres = request_mem_region', '\t/* iomem-lens-disable-next-line no-such-rule: because */\n\tres = request_mem_region')
      .replace('\treturn 0;\n}', '\t/* iomem-lens-disable-next-line resource-leak: nothing leaks here */\n\treturn 0;\n}');
    const uri = 'file:///tmp/iomem-lens-suppress-problems.c';
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, text);
    const r = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code?: string; severity: number; message: string; tags?: number[] }[] };
    const hints = r.items.filter((d) => d.code === 'suppression');
    expect(hints.map((d) => d.severity)).toEqual([4, 4, 4]);
    expect(hints.map((d) => d.message).join('\n')).toMatch(/reason/);
    expect(hints.map((d) => d.message).join('\n')).toMatch(/no-such-rule/);
    expect(hints.filter((d) => d.tags?.includes(1))).toHaveLength(1); // the unused one is greyed out
    expect(r.items.filter((d) => d.code !== 'suppression').map((d) => d.code)).toEqual(['resource-flags-clobber']);
  });

  it('hides the findings of the workspace baseline written by the CLI, until the code around them changes', async () => {
    const ws = workspace();
    const w = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '-q', '--write-baseline', 'kmem.c'], { cwd: ws, encoding: 'utf8' });
    expect(w.status).toBe(0);
    client = new TestClient();
    await client.initialize({ pull: true, rootUri: pathToFileURL(ws).href });
    const uri = pathToFileURL(path.join(ws, 'kmem.c')).href;
    await client.open(uri, kmem);
    expect(await pull(uri)).toEqual([]);
    // Entries are per file: the same code elsewhere is reported.
    const other = pathToFileURL(path.join(ws, 'other.c')).href;
    await client.open(other, kmem);
    expect(await pull(other)).toEqual(BOTH);
    // An unrelated edit far away keeps them hidden; an edit next to them does not.
    const far = await edit(uri, kmem, '#include <linux/slab.h>', '#include <linux/slab.h>\n#include <linux/io.h>\n', 2);
    expect(await pull(uri)).toEqual([]);
    await edit(uri, far, COMMENT, '/* BUSY stays clear', 3);
    expect(await pull(uri)).toEqual(BOTH);
  });

  it('logs a malformed workspace baseline by name and reports every finding', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws, '.iomem-lens-baseline.json'), '{ "version": 7 }');
    client = new TestClient();
    await client.initialize({ pull: true, rootUri: pathToFileURL(ws).href });
    expect(await client.logMatching(/malformed baseline/)).toMatch(/\.iomem-lens-baseline\.json: malformed baseline: "version" is 7, expected 1/);
    const uri = pathToFileURL(path.join(ws, 'kmem.c')).href;
    await client.open(uri, kmem);
    expect(await pull(uri)).toEqual(BOTH);
  });
});
