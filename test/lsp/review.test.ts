// "Review patch..." through the real server: patch text against the workspace (open documents
// as the editor has them), reported as markdown with links to the lines.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './client';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'review');
const before = fs.readFileSync(path.join(FIXTURES, 'frame.c'), 'utf8');
const patch = fs.readFileSync(path.join(FIXTURES, 'frame-drop-release.diff'), 'utf8');

type Reply = { ok: boolean; markdown?: string; error?: string; introduced?: number; failed?: number };

describe('review command', () => {
  let dir: string;
  let client: TestClient;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-lsp-review-'));
    fs.mkdirSync(path.join(dir, 'drivers'));
    fs.writeFileSync(path.join(dir, 'drivers', 'frame.c'), '/* on disk: not what the editor has */\n');
    client = new TestClient();
    await client.initialize({ pull: true, rootUri: pathToFileURL(dir).href });
    // The editor has the file open with unsaved text: the patch applies to that.
    await client.open(pathToFileURL(path.join(dir, 'drivers', 'frame.c')).href, before);
  });
  afterAll(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const review = async (text: string): Promise<Reply> =>
    (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.review', arguments: [{ text, source: 'clipboard' }] })) as Reply;

  it('reports what the patch introduces, with the hunk and links to the lines', async () => {
    const r = await review(patch);
    expect(r).toMatchObject({ ok: true, introduced: 1, failed: 0 });
    const link = `${pathToFileURL(path.join(dir, 'drivers', 'frame.c')).href}#L9`;
    expect(r.markdown).toContain('## clipboard\n');
    expect(r.markdown).toContain('### Introduces `resource-leak` in `frame_register()`');
    expect(r.markdown).toContain(`[drivers/frame.c:9](${link})`);
    expect(r.markdown).toContain('```diff\n@@ -5,10 +5,8 @@ static int frame_register(struct frame *frame)\n');
  });

  it('makes the links relative to the folder the report is written to (the markdown preview follows no file: links)', async () => {
    const r = (await client.conn.sendRequest('workspace/executeCommand', {
      command: 'iomem-lens.server.review', arguments: [{ text: patch, source: 'clipboard', reportDir: path.join(dir, 'storage', 'my ext') }],
    })) as Reply;
    expect(r.markdown).toContain('[drivers/frame.c:9](../../drivers/frame.c#L9)');
  });

  it('explains what it cannot review', async () => {
    expect(await review('no diff here')).toEqual({ ok: false, error: 'clipboard: no patch in it (no unified diff hunks)' });
    const stale = await review(patch.replace('-\tif (!base) {', '-\tif (!base || 1) {'));
    expect(stale).toMatchObject({ ok: true, failed: 1 });
    expect(stale.markdown).toMatch(/\*\*Does not apply:\*\* drivers\/frame\.c: hunk \\#1/);
    expect(await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.review', arguments: [42] })).toEqual({ ok: false, error: 'iomem-lens.server.review expects { text, source }' });
    // A series with a message it cannot read: the others are reviewed, and that one named.
    const from = 'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n';
    const series = `${from}Subject: [PATCH 1/2] good\n\n---\n${patch}${from}Subject: [PATCH 2/2] cut\n\n---\n--- a/drivers/frame.c\n+++ b/drivers/frame.c\n@@ -1,3 +1,3 @@\n-a\n`;
    const mixed = await review(series);
    expect(mixed).toMatchObject({ ok: true, introduced: 1, failed: 1 });
    expect(mixed.markdown).toMatch(/^> \*\*Not reviewed:\*\* clipboard \(message 2\): drivers\/frame\.c: hunk "@@ -1,3 \+1,3 @@" ends early\n/);
  });
});
