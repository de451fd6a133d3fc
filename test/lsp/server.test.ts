// Drives the built language server over stdio, as Neovim or any LSP client would.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';
import { TestClient, positionOf } from './client';

const kmemPath = path.join(ROOT, 'examples', 'kmem_like.c');
const kmem = fs.readFileSync(kmemPath, 'utf8');
const uri = pathToFileURL(kmemPath).href;
const WRITE = 'res->flags = IORESOURCE_SYSTEM_RAM;';
/** One name defined under #ifdef and #else: only the second has seed 000's window. */
const TWICE = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'simulate', 'twice.c'), 'utf8');

interface Diag { code?: string; message: string; range: { start: { line: number } }; relatedInformation?: { message: string }[]; codeDescription?: { href: string }; data?: unknown }

let client: TestClient | undefined;
afterEach(() => {
  client?.kill();
  client = undefined;
});

describe('language server over stdio', () => {
  it('initializes, pushes the diagnostic to a client that cannot pull, and shuts down', async () => {
    client = new TestClient();
    const init = await client.initialize({ pull: false, rootUri: pathToFileURL(ROOT).href });
    expect(init.capabilities).toMatchObject({ hoverProvider: true, codeActionProvider: expect.anything(), executeCommandProvider: expect.anything(), diagnosticProvider: expect.anything() });
    const published = client.nextDiagnostics(uri);
    await client.open(uri, kmem);
    const p = await published;
    expect(p.diagnostics.map((x) => x.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    const d = p.diagnostics[0] as Diag;
    expect(d.code).toBe('resource-busy-window');
    expect(d.range.start.line).toBe(positionOf(kmem, WRITE).line);
    expect(d.codeDescription?.href).toMatch(/docs\/rules\/resource-busy-window\.md$/);
    expect(d.relatedInformation?.map((r) => r.message)).toEqual([
      expect.stringMatching(/^1\. request_mem_region\(\) requests/),
      expect.stringMatching(/^2\. the flags write leaves the region MEM\|SYSRAM/),
      expect.stringMatching(/^3\. \[racing actor\] meanwhile another driver/),
      expect.stringMatching(/^4\. add_memory_driver_managed\(\) fails/),
    ]);
    expect(await client.shutdown()).toBe(0);
  });

  it('warms the engine up in the background once started, and answers meanwhile', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    // A document opened at once is analyzed at once: the warm-up waits for it.
    await client.open(uri, kmem);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    expect(items.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(await client.logMatching(/iomem-lens: warmed up in \d+ ms/)).toBeTruthy();
    expect(await client.shutdown()).toBe(0);
  });

  it('answers diagnostic pulls and follows incremental edits', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    const pull = async (): Promise<Diag[]> => ((await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    expect((await pull()).map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    // Keep BUSY set: `=` becomes `|=` through one incremental change; the window closes.
    const at = positionOf(kmem, WRITE, 'res->flags '.length);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: at }, text: '|' }],
    });
    expect(await pull()).toEqual([]);
    // And back.
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }],
    });
    expect((await pull()).map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    // No push to a client that pulls: it would show every diagnostic twice.
    expect(client.published).toEqual([]);
  });

  it('gives each pulled report a result id, and says unchanged to a client whose last report still holds', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    type Report = { kind: string; resultId?: string; items?: Diag[] };
    const pull = async (previousResultId?: string): Promise<Report> =>
      (await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) })) as Report;
    const first = await pull();
    expect(first.kind).toBe('full');
    expect(first.items?.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    expect(first.resultId).toEqual(expect.any(String));
    // Nothing changed: the client keeps what it has.
    expect(await pull(first.resultId)).toEqual({ kind: 'unchanged', resultId: first.resultId });
    // A blank at the end of the file moves no finding: still unchanged.
    const lines = kmem.split('\n');
    const end = { line: lines.length - 1, character: (lines[lines.length - 1] as string).length };
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: end, end }, text: '\n' }] });
    expect(await pull(first.resultId)).toEqual({ kind: 'unchanged', resultId: first.resultId });
    // An edit that closes the window: a full report with a new id.
    const at = positionOf(kmem, WRITE, 'res->flags '.length);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: at, end: at }, text: '|' }] });
    const fixed = await pull(first.resultId);
    expect(fixed).toMatchObject({ kind: 'full', items: [] });
    expect(fixed.resultId).not.toBe(first.resultId);
    // An id the server did not give last, or none: full.
    expect(await pull('no-such-id')).toMatchObject({ kind: 'full', items: [] });
    expect(await pull()).toMatchObject({ kind: 'full', items: [] });
    expect(await client.shutdown()).toBe(0);
  });

  it('hovers the finding and the modeled API', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    const onWrite = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(kmem, WRITE, 3) })) as { contents: { value: string } };
    expect(onWrite.contents.value).toMatch(/\*\*resource-busy-window\*\*/);
    const onApi = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(kmem, 'request_mem_region(', 2) })) as { contents: { value: string } };
    expect(onApi.contents.value).toMatch(/BUSY/);
    const nothing = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(kmem, 'struct example_data', 2) });
    expect(nothing).toBeNull();
    // A long comment typed at the top, no pull since (found in review): the finding is where the
    // text now puts it, and not at the offsets it had before.
    const added = `/* ${'x'.repeat(300)} */`;
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: added }] });
    const moved = added + kmem;
    const onMoved = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(moved, WRITE, 3) })) as { contents: { value: string } };
    expect(onMoved.contents.value).toMatch(/\*\*resource-busy-window\*\*/);
    // Where the finding's offsets were: 300 characters before it now.
    const was = moved.slice(0, kmem.indexOf(WRITE) + 3);
    const atOld = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: was.split('\n').length - 1, character: was.length - (was.lastIndexOf('\n') + 1) } })) as { contents: { value: string } } | null;
    expect(atOld?.contents.value ?? '').not.toMatch(/\*\*resource-busy-window\*\*/);
  });

  it('hovers resource calls and variables with the simulated tree, and DAX calls with the device state per path', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    const at = async (needle: string, delta: number, u = uri, src = kmem): Promise<string | undefined> =>
      ((await client!.conn.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: positionOf(src, needle, delta) })) as { contents: { value: string } } | null)?.contents.value;
    const request = await at('request_mem_region(', 2);
    expect(request).toMatch(/\*\*request_mem_region\(\)\*\* on the layout "default x86_64 server"/);
    expect(request).toMatch(/Before:\n```\n4080000000-4fffffffff : Persistent Memory {2}\[MEM\]\n {2}4080000000-4fffffffff : namespace0\.0 {2}\[MEM\]\n```/);
    expect(request).toMatch(/After:\n```\n[^`]*\n {4}4080000000-40bfffffff : data->res_name {2}\[MEM\|BUSY\] {2}◀\n```/);
    expect(request).toMatch(/BUSY/); // the API note follows
    const added = await at('add_memory_driver_managed(data', 2);
    expect(added).toMatch(/4080000000-40bfffffff : System RAM \(kmem\) {2}\[MEM\|BUSY\|SYSRAM\|DRIVER_MANAGED\] {2}◀/);
    // The variable after the flags write: the last call naming it is the flags write.
    const variable = await at('remove_resource(res)', 'remove_resource('.length);
    expect(variable).toMatch(/^`res` here, as the last call before it in the text that names it left it:\n\n\*\*flags write\*\* on the layout/);
    expect(variable).toMatch(/data->res_name {2}\[MEM\|SYSRAM\] {2}◀\n```$/);

    const dax = `static int foo_probe(struct foo *foo)
{
	struct dax_device *dax_dev = alloc_dax(foo, &foo_dax_ops);

	if (IS_ERR(dax_dev))
		return PTR_ERR(dax_dev);
	kill_dax(dax_dev);
	put_dax(dax_dev);
	return 0;
}
`;
    const daxUri = 'file:///tmp/iomem-lens-dax-hover.c';
    await client.open(daxUri, dax);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: daxUri } });
    expect(await at('alloc_dax(', 2, daxUri, dax)).toMatch(/- ERR_PTR\(-ENOMEM\): 1 path\n- alive: 1 path/);
    expect(await at('kill_dax(', 2, daxUri, dax)).toMatch(/the dax_device after the call, on the 1 path walked through it\n- killed: 1 path\n/);
    expect(await at('put_dax(', 2, daxUri, dax)).toMatch(/- put: 1 path\n/);

    // A variable under labels: paths that jump to them from before the call shown skip it, and a
    // field of the same name is not the variable (found in review).
    const full = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'dax-lifecycle', 'neg_full_unwind.c'), 'utf8');
    const unwind = full.replace('\tfoo->dax_dev = dax_dev;', '\tdax_write_cache(dax_dev, true);\n\tfoo->dax_dev = dax_dev;');
    const unwindUri = 'file:///tmp/iomem-lens-dax-unwind-hover.c';
    for (const [u, text] of [['file:///tmp/iomem-lens-dax-full-unwind.c', full], [unwindUri, unwind]] as const) {
      await client.open(u, text);
      await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: u } });
    }
    // The gotos come after dax_add_host(): every path here ran it.
    const afterGotos = await at('kill_dax(dax_dev)', 'kill_dax('.length + 1, 'file:///tmp/iomem-lens-dax-full-unwind.c', full);
    expect(afterGotos).toMatch(/\*\*dax_add_host\(\)\*\* \(line 9\)/);
    expect(afterGotos).not.toMatch(/Paths that jump/);
    const underLabel = await at('kill_dax(dax_dev)', 'kill_dax('.length + 1, unwindUri, unwind);
    expect(underLabel).toMatch(/\*\*dax_write_cache\(\)\*\* \(line 15\)/);
    expect(underLabel).toMatch(/Paths that jump to `out_remove:`, `out_put:` reach this line without running that call\./);
    expect(await at('foo->dax_dev', 'foo->'.length + 1, unwindUri, unwind) ?? '').not.toMatch(/here, as the last call/);
  });

  it('hovers constants, PFN lookups and free-region searches with what the model knows there', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    const src = `#define FOO_BASE 0x8000000000ULL

static int foo(unsigned long pfn, struct foo *f)
{
	struct page *p;
	struct resource *res;

	get_online_mems();
	p = pfn_to_online_page(pfn);
	if (p)
		foo_use(p);
	put_online_mems();
	if (pfn_valid(pfn))
		foo_poke(pfn);
	res = request_free_mem_region(&iomem_resource, SZ_1G, "foo");
	if (IS_ERR(res))
		return PTR_ERR(res);
	f->res = res;
	return add_memory(0, FOO_BASE + SZ_64M, SZ_64M, MHP_NONE) + (1 << 3);
}
`;
    const doc = 'file:///tmp/iomem-lens-hover-test.c';
    await client.open(doc, src);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: doc } });
    const hoverAt = async (needle: string, delta = 1): Promise<string | undefined> =>
      ((await client!.conn.sendRequest('textDocument/hover', { textDocument: { uri: doc }, position: positionOf(src, needle, delta) })) as { contents: { value: string } } | null)?.contents.value;

    const constant = await hoverAt('SZ_64M, SZ_64M', 3);
    expect(constant).toMatch(/`FOO_BASE \+ SZ_64M`\*\* = 0x8004000000/);
    expect(constant).toMatch(/PFN 0x8004000/);
    expect(constant).toMatch(/memory block \(128 MiB at least: x86 probes up to 2 GiB at boot\) \| memory4096, not aligned/);
    expect(constant).toMatch(/MAX_PHYSMEM_BITS \(46 bits, 64 TiB\): yes/);
    expect(await hoverAt('1 << 3', 0)).toBeUndefined(); // small numbers are not memory

    const online = await hoverAt('pfn_to_online_page(pfn)');
    expect(online).toMatch(/Guarantees: the section is online/);
    expect(online).toMatch(/Here: memory hotplug is held off .* on all \d+ paths walked through this call/);
    const valid = await hoverAt('pfn_valid(pfn)');
    expect(valid).toMatch(/Does not guarantee: that the memmap is \*\*initialized\*\*/);
    expect(valid).toMatch(/On this machine: PFN 0x8000000 .*pfn_valid\(\) returns 1, pfn_to_online_page\(\) returns NULL, the memmap is uninitialized/);
    expect(valid).toMatch(/Here: nothing holds memory hotplug off/);

    const search = await hoverAt('request_free_mem_region(');
    expect(search).toMatch(/takes \*\*\[0x3fffc0000000-0x3fffffffffff\]\*\*/);
    expect(search).toMatch(/reaches the hotplug window/);

    // Code of an architecture without memory hotplug: no hot-added example (found in review).
    const mips = 'file:///tmp/linux/arch/mips/mm/iomem-lens-hover-test.c';
    await client.open(mips, src);
    const onMips = ((await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: mips }, position: positionOf(src, 'pfn_valid(pfn)', 1) })) as { contents: { value: string } }).contents.value;
    expect(onMips).toMatch(/On arch\/mips: no memory hotplug .*: every memmap is initialized at boot and stays/);
    expect(onMips).not.toMatch(/On this machine/);
  });

  it('answers requests for unknown documents and out-of-range positions without failing', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    const ghost = 'file:///nonexistent/ghost.c';
    expect(await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: ghost } })).toMatchObject({ items: [] });
    expect(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: ghost }, position: { line: 0, character: 0 } })).toBeNull();
    await client.open(uri, kmem);
    expect(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 99999, character: 5 } })).toBeNull();
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 5000, character: 0 }, end: { line: 6000, character: 3 } }, text: '/* appended */' }],
    });
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: (Diag & { range: unknown })[] }).items;
    expect(items.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    // Code actions on diagnostics that are not ours, or not diagnostics at all (found in review:
    // a null entry answered with an internal error): the ones that are still get their actions.
    const range = items[1]!.range;
    for (const context of [{ diagnostics: null }, {}, { diagnostics: [null, 5, { data: null }, { message: 'x' }] }]) {
      expect(await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context })).toEqual([]);
    }
    const mixed = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [null, items[1]] } })) as { title: string }[];
    expect(mixed.map((a) => a.title)).toContain('Change only the bits meant');
    expect(client.logs.filter((l) => /codeAction failed/.test(l))).toEqual([]);
  });

  it('analyzes documents whose URI names no local file as buffers, and says so (found in review: their diagnostics were empty)', async () => {
    client = new TestClient();
    await client.initialize({ pull: true, rootUri: 'file://buildhost/src/linux' });
    await client.logMatching(/the workspace folder file:\/\/buildhost\/src\/linux is not a local directory/);
    for (const odd of ['file://buildhost/src/linux/drivers/dax/kmem.c', 'file:///tmp/drivers%2Fdax%2Fkmem.c', 'untitled:Untitled-1']) {
      await client.open(odd, kmem);
      const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: odd } })) as { items: Diag[] }).items;
      expect(items.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
      const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: odd }, position: positionOf(kmem, WRITE) })) as { contents: { value: string } } | null;
      expect(hover?.contents.value).toMatch(/resource-busy-window/);
    }
    await client.logMatching(/file:\/\/buildhost\/src\/linux\/drivers\/dax\/kmem\.c names no local file \(.*\): analyzed as an unsaved buffer/);
    await client.logMatching(/file:\/\/\/tmp\/drivers%2Fdax%2Fkmem\.c names no local file \(.*encoded.*\)/);
    expect(client.logs.filter((l) => /failed/.test(l))).toEqual([]);
  });

  it('leaves a document as it was after a change that is not one, says so, and follows the valid edits after it (found in review)', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    const pull = async (): Promise<string[]> => ((await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items.map((d) => `${d.code}@${d.range.start.line}`);
    const before = await pull();
    expect(before).toHaveLength(2);
    for (const [version, bad] of [[2, { text: 5 }], [3, { text: null }], [4, { range: { start: { line: 0 } }, text: 'x' }], [5, null]] as const) {
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }, bad] });
      expect(await pull()).toEqual(before);
    }
    await client.logMatching(/is not a text change .*the document is as it was/);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 6 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n\n' }] });
    expect(await pull()).toEqual(before.map((d) => d.replace(/@(\d+)/, (_, l: string) => `@${Number(l) + 2}`)));
  });

  it('reports bad settings by name and keeps the defaults', async () => {
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { settings: { kernel: { version: 'banana' }, rules: { 'no-such-rule': 'error' } } } });
    await client.open(uri, kmem);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    expect(items.map((d) => d.code)).toEqual(['resource-busy-window', 'resource-flags-clobber']);
    await expect(client.logMatching(/kernel\.version "banana" is not a kernel version like "6\.12"; using 6\.12/)).resolves.toBeTruthy();
    await expect(client.logMatching(/unknown rule "no-such-rule"/)).resolves.toBeTruthy();
    // Settings pushed later are checked as well (found in review: a kernel that is not an object went unsaid).
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { iomemLens: { kernel: 5 } } });
    await expect(client.logMatching(/kernel must be an object like .*, got 5; detecting both/)).resolves.toBeTruthy();
  });

  it('offers the quick fix as a code action, and the finding goes away once it is applied', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: (Diag & { range: { start: { line: number; character: number }; end: { line: number; character: number } } })[] }).items;
    const clobber = items.find((d) => d.code === 'resource-flags-clobber')!;
    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: clobber.range, context: { diagnostics: [clobber] },
    })) as { title: string; kind: string; edit: { changes: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> } }[];
    expect(actions.map((a) => [a.title, a.kind])).toEqual([
      ['Change only the bits meant', 'quickfix'], ['Suppress resource-flags-clobber on this line (with a reason)', 'quickfix'], ['Explain resource-flags-clobber: simulate this path', ''],
    ]);
    const suppress = actions[1]!.edit.changes[uri]![0]!;
    expect(suppress.newText).toBe('\t/* iomem-lens-disable-next-line resource-flags-clobber: TODO say why this is safe */\n');
    expect(suppress.range.start).toEqual({ line: clobber.range.start.line, character: 0 });
    const edit = actions[0]!.edit.changes[uri]![0]!;
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
    const after = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    expect(after.map((d) => d.code)).toEqual(['resource-busy-window']);
  });

  it('places diagnostics, traces and the suppression by the protocol\'s lines where a lone \\r ends one, and ends the suppression as the file ends its lines (found in review)', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    // A lone \r inside a comment: a line break for the protocol, not for tree-sitter or gcc.
    const text = kmem.replace(WRITE, `/* keep BUSY clear\r   for add_memory() */\n\t${WRITE}`);
    expect(text).not.toBe(kmem);
    const crUri = 'file:///tmp/iomem-lens-cr/lone_cr.c';
    await client.open(crUri, text);
    type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: crUri } })) as { items: (Diag & { range: Range; relatedInformation: { location: { range: Range } }[] })[] }).items;
    // What the protocol's positions cover, counted as a client counts them (\r\n, \r and \n end a line).
    const lines = text.split(/\r\n|\r|\n/);
    const covered = (r: Range): string => (lines[r.start.line] ?? '').slice(r.start.character, r.start.line === r.end.line ? r.end.character : undefined);
    const clobber = items.find((d) => d.code === 'resource-flags-clobber')!;
    expect(covered(clobber.range)).toBe(WRITE.slice(0, -1));
    const window = items.find((d) => d.code === 'resource-busy-window')!;
    expect(lines[window.relatedInformation[1]!.location.range.start.line]).toContain(WRITE);
    const actions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: crUri }, range: clobber.range, context: { diagnostics: [clobber] } })) as
      { title: string; edit?: { changes: Record<string, { range: Range; newText: string }[]> }; command?: { arguments: { line: number; character: number }[] } }[];
    const suppress = actions.find((a) => a.title.startsWith('Suppress'))!.edit!.changes[crUri]![0]!;
    expect(suppress.range.start).toEqual({ line: clobber.range.start.line, character: 0 });
    expect(actions.find((a) => a.command)!.command!.arguments[0]).toMatchObject({ line: clobber.range.start.line, character: clobber.range.start.character });
    // Applied, it hides the finding (the comment above is left whole).
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: crUri, version: 2 }, contentChanges: [{ range: suppress.range, text: suppress.newText }] });
    const after = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: crUri } })) as { items: Diag[] }).items;
    expect(after.map((d) => d.code)).toEqual(['resource-busy-window']);

    // In a CRLF file the suppression ends with \r\n.
    const crlfUri = 'file:///tmp/iomem-lens-cr/crlf.c';
    await client.open(crlfUri, kmem.replace(/\n/g, '\r\n'));
    const crlf = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: crlfUri } })) as { items: (Diag & { range: Range })[] }).items.find((d) => d.code === 'resource-flags-clobber')!;
    const crlfActions = (await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: crlfUri }, range: crlf.range, context: { diagnostics: [crlf] } })) as { title: string; edit?: { changes: Record<string, { newText: string }[]> } }[];
    expect(crlfActions.find((a) => a.title.startsWith('Suppress'))!.edit!.changes[crlfUri]![0]!.newText).toMatch(/\*\/\r\n$/);
  });

  it('suppresses a finding whose line starts inside a block comment at the line\'s end, and ends the comment as the file ends its lines (found in review)', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
    const pull = async (u: string) => ((await client!.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: u } })) as { items: (Diag & { range: Range })[] }).items;
    const suppressOf = async (u: string, d: Diag & { range: Range }) => ((await client!.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: d.range, context: { diagnostics: [d] } })) as
      { title: string; edit?: { changes: Record<string, { range: Range; newText: string }[]> } }[]).find((a) => a.title.startsWith('Suppress'))?.edit?.changes[u]?.[0];
    const text = 'static int setup_dax(struct virtio_device *vdev, struct virtio_fs *fs)\n{\n\t/* start\n\t * end */ fs->dax_dev = alloc_dax(fs, &ops);\n\tif (IS_ERR(fs->dax_dev))\n\t\treturn PTR_ERR(fs->dax_dev);\n\treturn 0;\n}\n';
    const u = 'file:///tmp/iomem-lens-sup/comment.c';
    await client.open(u, text);
    const f = (await pull(u)).find((d) => d.code === 'dax-errptr-stored')!;
    const e = (await suppressOf(u, f))!;
    expect(e.range.start).toEqual({ line: 3, character: '\t * end */ fs->dax_dev = alloc_dax(fs, &ops);'.length });
    expect(e.newText).toBe(' /* iomem-lens-disable-line dax-errptr-stored: TODO say why this is safe */');
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ range: e.range, text: e.newText }] });
    expect((await pull(u)).filter((d) => d.code === 'dax-errptr-stored')).toEqual([]);
    // A CRLF file whose finding is on its last line, without a line end: \r\n all the same.
    const last = kmem.replace(/\n/g, '\r\n').replace(/\r\n$/, '');
    const lu = 'file:///tmp/iomem-lens-sup/last.c';
    const lastText = last.slice(0, last.indexOf(WRITE) + WRITE.length);
    await client.open(lu, lastText);
    const lf = (await pull(lu)).find((d) => d.code === 'resource-flags-clobber')!;
    expect((await suppressOf(lu, lf))!.newText).toMatch(/\*\/\r\n$/);
  });

  it('labels the quick fix for a client that can preview edits, and explains a finding by simulating its path', async () => {
    client = new TestClient();
    await client.initialize({ pull: true, previewEdits: true });
    await client.open(uri, kmem);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: (Diag & { range: unknown })[] }).items;
    const window = items.find((d) => d.code === 'resource-busy-window')!;
    const clobber = items.find((d) => d.code === 'resource-flags-clobber')!;
    const fix = ((await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: clobber.range, context: { diagnostics: [clobber] } })) as
      { edit?: { documentChanges?: { edits: { annotationId?: string }[] }[]; changeAnnotations?: Record<string, { needsConfirmation?: boolean; label: string }> } }[])[0]!;
    expect(fix.edit?.documentChanges?.[0]?.edits[0]?.annotationId).toBe('iomem-lens-fix');
    expect(fix.edit?.changeAnnotations?.['iomem-lens-fix']).toMatchObject({ needsConfirmation: false, label: 'Change only the bits meant' });

    const explain = ((await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: window.range, context: { diagnostics: [window] } })) as
      { title: string; command?: { command: string; arguments: unknown[] } }[]).find((a) => a.command)!;
    expect(explain.command?.command).toBe('iomem-lens.explainFinding');
    // The client runs it by asking the server to simulate with the same arguments.
    const reply = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: explain.command!.arguments })) as
      { ok: boolean; sim: { racing: boolean; finding: { rule: string }; steps: { actor: string }[] }; maps: string[]; style: string };
    expect(reply.ok).toBe(true);
    expect(reply.sim.finding.rule).toBe('resource-busy-window');
    expect(reply.sim.racing).toBe(true);
    expect(reply.sim.steps.map((s) => s.actor)).toEqual(['owner', 'owner', 'racer', 'owner']);
    expect(reply.maps).toHaveLength(reply.sim.steps.length + 1);
    expect(reply.maps[3]).toMatch(/class="iol-region iol-busy iol-sysram iol-racer iol-changed"/);
    expect(reply.style).toMatch(/--vscode-charts-red/);

    const outside = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: [{ uri, line: 0, character: 0 }] })) as { ok: boolean; error: string };
    expect(outside).toEqual({ ok: false, error: 'the cursor is not inside a function' });
    const garbage = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: ['nonsense'] })) as { ok: boolean; error: string };
    expect(garbage.ok).toBe(false);
    // A finding whose line is not a line is refused as such, not answered as a text that changed (found in review).
    const args0 = explain.command!.arguments[0] as { finding: { rule: string; line: number } };
    const badLine = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: [{ ...args0, finding: { ...args0.finding, line: 'x' } }] })) as { ok: boolean; error: string };
    expect(badLine).toEqual({ ok: false, error: 'iomem-lens.server.simulate expects { uri, line, character, finding?: { rule, line } }' });
    // A finding that is no longer where the arguments say (found in review: another path was played as if it were it).
    const args = explain.command!.arguments[0] as { finding: { rule: string; line: number } };
    const stale = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: [{ ...args, finding: { ...args.finding, line: args.finding.line + 3 } }] })) as { ok: boolean; error: string };
    expect(stale).toEqual({ ok: false, error: `example_probe() has no resource-busy-window finding at line ${args.finding.line + 4} now: the text changed since; explain it again from its diagnostic` });
  });

  it('explains a finding by playing the definition it is in, where #ifdef defines the name twice (found in review)', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    const twiceUri = 'file:///tmp/iomem-lens-twice/twice.c';
    await client.open(twiceUri, TWICE);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: twiceUri } })) as { items: (Diag & { range: unknown })[] }).items;
    const window = items.find((d) => d.code === 'resource-busy-window')!;
    expect(window.range.start.line).toBe(15);
    const explain = ((await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: twiceUri }, range: window.range, context: { diagnostics: [window] } })) as
      { command?: { arguments: unknown[] } }[]).find((a) => a.command)!;
    const reply = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: explain.command!.arguments })) as
      { ok: boolean; sim: { racing: boolean; finding?: { rule: string; line: number }; steps: { line: number }[] } };
    expect(reply.sim.finding).toMatchObject({ rule: 'resource-busy-window', line: 15 });
    expect(reply.sim.racing).toBe(true);
    // "Simulate function" in the first definition plays that one.
    const first = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.simulate', arguments: [{ uri: twiceUri, line: 3, character: 2 }] })) as
      { ok: boolean; sim: { finding?: unknown; steps: { line: number }[] } };
    expect(first.sim.finding).toBeUndefined();
    expect(first.sim.steps.map((st) => st.line)).toEqual([3, 5]);
  });

  it.each([
    ['on the server thread', 0],
    // Past 16 files the index is built on a worker thread.
    ['on a worker thread', 40],
  ])('pairs publications across the workspace (seed 002) once the background index is built %s', async (_how, fillers) => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-ws-'));
    fs.mkdirSync(path.join(ws, 'sub'));
    for (let i = 0; i < fillers; i++) fs.writeFileSync(path.join(ws, 'sub', `f${i}.c`), `int f${i}(void) { return ${i}; }\n`);
    fs.writeFileSync(path.join(ws, 'publish.c'), [
      'struct inode *shared_inode;',
      'void publish(struct inode *i)',
      '{',
      '\tsmp_store_release(&shared_inode, i);',
      '}',
      'struct inode *careful(void)',
      '{',
      '\treturn smp_load_acquire(&shared_inode);',
      '}',
      '',
    ].join('\n'));
    const reader = 'extern struct inode *shared_inode;\nint careless(void)\n{\n\treturn shared_inode->i_count;\n}\n';
    fs.writeFileSync(path.join(ws, 'reader.c'), reader);
    client = new TestClient();
    await client.initialize({ pull: true, rootUri: pathToFileURL(ws).href });
    await client.logMatching(new RegExp(`indexed ${2 + fillers} files for publications`));
    const readerUri = pathToFileURL(path.join(ws, 'reader.c')).href;
    await client.open(readerUri, reader);
    const items = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: readerUri } })) as { items: Diag[] }).items;
    expect(items.map((d) => d.code)).toEqual(['publish-unpaired']);
    expect(items[0]!.message).toMatch(/shared_inode is published with smp_store_release\(\) \(publish\.c:4\)/);
    // The publisher made plain and saved (found in review): the reader's finding goes.
    const publishUri = pathToFileURL(path.join(ws, 'publish.c')).href;
    const plain = fs.readFileSync(path.join(ws, 'publish.c'), 'utf8').replace('smp_store_release(&shared_inode, i)', 'shared_inode = i').replace('smp_load_acquire(&shared_inode)', 'shared_inode');
    await client.open(publishUri, fs.readFileSync(path.join(ws, 'publish.c'), 'utf8'));
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: publishUri, version: 2 }, contentChanges: [{ text: plain }] });
    fs.writeFileSync(path.join(ws, 'publish.c'), plain);
    await client.conn.sendNotification('textDocument/didSave', { textDocument: { uri: publishUri } });
    const after = ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: readerUri } })) as { items: Diag[] }).items;
    expect(after).toEqual([]);
  });

  it('executes the layout, profile and status commands', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    const layout = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.layout', arguments: [] })) as { iomem: string };
    expect(layout.iomem).toMatch(/^00000000-00000fff : Reserved/);
    const profile = await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.profile', arguments: [] });
    expect(profile).toMatchObject({ kernel: '6.12', arch: 'x86_64' });
    await client.open(uri, kmem);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    const status = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] })) as
      { openDocuments: number; cachedFunctions: number; analysesRunning: number; memoryMb: { rss: number; heapUsed: number } };
    expect(status).toMatchObject({ openDocuments: 1, analysesRunning: 0 });
    expect(status.cachedFunctions).toBeGreaterThan(0);
    expect(status.memoryMb.rss).toBeGreaterThan(status.memoryMb.heapUsed);
  });

  it('reports, per open document, its own time from an edit to the diagnostics answering it', async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
    await client.open(uri, kmem);
    // Answered without an edit before it (the open): not an edit's latency.
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    let text = kmem;
    for (let v = 2; v <= 4; v++) {
      text = ` ${text}`;
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
      await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    }
    // A second pull of the same text answers no new edit.
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    type Latency = { edits: number; p50: number; p95: number; max: number };
    const status = async (): Promise<Record<string, Latency>> =>
      ((await client!.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] })) as { editLatencyMs: Record<string, Latency> }).editLatencyMs;
    const [name, latency] = Object.entries(await status())[0] ?? [];
    expect(name).toMatch(/kmem|\.c$|file:/);
    expect(latency?.edits).toBe(3);
    expect(latency!.p50).toBeGreaterThan(0);
    expect(latency!.p50).toBeLessThanOrEqual(latency!.p95);
    expect(latency!.p95).toBeLessThanOrEqual(latency!.max);
    // Also by the URI the client opened it with (found in review: the client looked it up by a
    // name relative to the workspace, not to the kernel root above it).
    const byUri = ((await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] })) as { editLatencyByUri: Record<string, Latency> }).editLatencyByUri;
    expect(byUri[uri]).toEqual(latency);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect(await status()).toEqual({});
  });

  it('times an edit to the diagnostics it pushes when the client does not pull', async () => {
    client = new TestClient();
    await client.initialize({ pull: false });
    const opened = client.nextDiagnostics(uri);
    await client.open(uri, kmem);
    await opened;
    const pushed = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: ` ${kmem}` }] });
    await pushed;
    const status = (await client.conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] })) as
      { editLatencyMs: Record<string, { edits: number }> };
    expect(Object.values(status.editLatencyMs).map((l) => l.edits)).toEqual([1]);
  });
});
