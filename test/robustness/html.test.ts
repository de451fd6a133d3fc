// Workspace text is never rendered as HTML: not in hovers (markdown, where raw HTML passes
// unless escaped) and not in the simulation webview (HTML and SVG built from the code's names).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationHtml, type SimulationView } from '../../client/src/simulationHtml';
import { neutralizeHtml } from '../../server/src/lsp/features/markdown';
import { TestClient, positionOf } from '../lsp/client';

const IMG = '<img src=x onerror=alert(1)>';
// A resource named with markup, a condition quoting markup with a stray backtick, a label
// and a layout-free path: every place code text reaches a hover or the webview.
const source = `static int probe(u64 start, const char *s)
{
\tstruct resource *res;

\tres = request_mem_region(start, 0x1000, "${IMG}");
\tif (!res)
\t\treturn -EBUSY;
\tif (strcmp(s, "<b>\`</b>${IMG}") == 0)
\t\treturn -EINVAL;
\treturn 0;
}
`;
const uri = 'file:///tmp/iomem-lens-html/probe.c';

/** Markup that a markdown renderer would take as HTML: a `<` not escaped, outside code. */
function rawHtmlOutsideCode(md: string): string[] {
  const hits: string[] = [];
  let inFence = false;
  for (const line of md.split('\n')) {
    if (/^ {0,3}```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    // Drop well-formed code spans, then look for an unescaped `<` followed by a tag name.
    const prose = line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
    for (const m of prose.matchAll(/(^|[^\\])<[A-Za-z/!?]/g)) hits.push(`${line} @${m.index}`);
  }
  return hits;
}

describe('neutralizeHtml', () => {
  it('escapes < outside code, and leaves code spans and fenced blocks as written', () => {
    expect(neutralizeHtml(`a ${IMG} b`)).toBe('a \\<img src=x onerror=alert(1)> b');
    expect(neutralizeHtml(`\`${IMG}\` and \`\`a \` <b>\`\``)).toBe(`\`${IMG}\` and \`\`a \` <b>\`\``);
    expect(neutralizeHtml(`\`\`\`\n${IMG}\n\`\`\`\n<i>`)).toBe(`\`\`\`\n${IMG}\n\`\`\`\n\\<i>`);
    // An unclosed backtick opens no span: what follows is escaped.
    expect(neutralizeHtml('x ` <b>')).toBe('x ` \\<b>');
    // Already escaped text stays as it is.
    expect(neutralizeHtml('\\<b>')).toBe('\\<b>');
  });
});

describe('workspace text in the editor', () => {
  let client: TestClient;
  let dir: string;
  beforeAll(async () => {
    // The layout's name, shown in resource hovers, is the dump's file name: markup too.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-html-'));
    const dump = path.join(dir, `${IMG}.iomem`);
    fs.writeFileSync(dump, '00001000-0009ffff : System RAM\n100000000-1ffffffff : System RAM\n');
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { settings: { layout: dump } } });
    await client.open(uri, source);
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
  });
  afterAll(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hovers show the markup the code names as text', async () => {
    const hovers: string[] = [];
    for (const [needle, delta] of [['request_mem_region(', 2], ['return -EINVAL', 3], ['(!res)', 2], ['strcmp', 2]] as const) {
      const h = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(source, needle, delta) })) as { contents: { value: string } } | null;
      if (h) hovers.push(h.contents.value);
    }
    expect(hovers.join('\n')).toContain(IMG); // the resource's name, in the tree (a code block)
    expect(hovers.join('\n')).toContain(`on the layout "\\${IMG}.iomem"`); // the layout's, escaped
    for (const h of hovers) expect(rawHtmlOutsideCode(h)).toEqual([]);
  });

  it('the simulation page escapes every name the code gave', async () => {
    const reply = (await client.conn.sendRequest('workspace/executeCommand', {
      command: 'iomem-lens.server.simulate', arguments: [{ uri, ...positionOf(source, 'request_mem_region(') }],
    })) as { ok: true; sim: SimulationView; maps: string[]; style: string };
    expect(reply.ok).toBe(true);
    expect(reply.maps.join('')).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const html = simulationHtml(reply.sim, reply.maps, reply.style, 'NONCE', 'vscode-resource:');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
  });
});
