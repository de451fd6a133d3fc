// The language server on the real drivers/dax/kmem.c of both trees, over stdio.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../lsp/client';

const trees = JSON.parse(process.env.IOMEM_LENS_CORPUS_TREES ?? '{}') as Record<string, string>;

describe.each(Object.keys(trees))('language server on Linux %s kmem.c', (version) => {
  it('publishes resource-busy-window on dev_dax_kmem_probe', async () => {
    const tree = trees[version] as string;
    const file = path.join(tree, 'drivers', 'dax', 'kmem.c');
    const text = fs.readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const client = new TestClient();
    try {
      await client.initialize({ pull: false, rootUri: pathToFileURL(tree).href });
      const published = client.nextDiagnostics(uri);
      await client.open(uri, text);
      const p = await published;
      const d = p.diagnostics.find((x) => x.code === 'resource-busy-window');
      expect(d).toBeDefined();
      expect(text.split('\n')[d!.range.start.line]).toMatch(/res->flags = IORESOURCE_SYSTEM_RAM;/);
      expect(d!.relatedInformation).toHaveLength(4);
      expect(await client.shutdown()).toBe(0);
    } finally {
      client.kill();
    }
  });
});
