// The CLI's one-scan prefilter answers as the per-prefilter regular expressions do.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREFILTER_WORDS, fileMentionsModel, mentionsModelGiven } from '../../server/src/analysis/facts';
import { PublishIndex, scanPublications } from '../../server/src/analysis/publish';
import { WordScanner } from '../../server/src/analysis/wordScan';
import { checkFile } from '../../server/src/cli/checkFile';
import { CParser } from '../../server/src/syntax/parser';
import { options, sampleFiles } from '../helpers';

const texts = sampleFiles().map((f) => fs.readFileSync(f, 'latin1'));

describe('WordScanner', () => {
  it('finds whole identifiers only', () => {
    const s = new WordScanner(['put_dax', 'kfree']);
    expect([...s.present('x = put_dax(d); my_put_dax(d); put_dax_x; kfree(p); kfreeze();')]).toEqual(['put_dax', 'kfree']);
    expect(new WordScanner([]).present('anything').size).toBe(0);
  });

  it('gives the model prefilter the same answer as its regular expressions, on every fixture and on fragments of them', () => {
    const scanner = new WordScanner(PREFILTER_WORDS);
    for (const t of texts) expect(mentionsModelGiven(scanner.present(t), () => t)).toBe(fileMentionsModel(t));
    fc.assert(fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat(), (k, a, b) => {
      const t = texts[k] as string;
      const frag = t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1));
      return mentionsModelGiven(scanner.present(frag), () => frag) === fileMentionsModel(frag);
    }), { numRuns: 300 });
  });

  it('gives the same answer on raw bytes, where a paired trigger\'s later groups are scanned for only after its first', () => {
    const scanner = new WordScanner(PREFILTER_WORDS);
    const devm = 'static int probe(struct device *dev)\n{\n\tstruct foo *p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);\n\tif (!p)\n\t\treturn -ENOMEM;\n\tkfree(p);\n\treturn 0;\n}\n';
    const crafted = [devm, devm.replace('kfree(p)', 'kfree_thing(p)'), devm.replace('kfree(p)', 'kvfree(p)'), devm.replace('devm_kzalloc', 'kzalloc'), 'void f(void) { kfree(x); }\n',
      'int g(unsigned long pfn) { return PageReserved(pfn_to_page(pfn)); }\n', 'int g(unsigned long pfn) { return PageReserved(page); }\n'];
    expect(crafted.map(fileMentionsModel)).toEqual([true, false, true, false, false, true, false]);
    expect(PREFILTER_WORDS).not.toContain('kfree');
    for (const t of [...texts, ...crafted]) {
      const bytes = Buffer.from(t, 'latin1');
      expect(mentionsModelGiven(scanner.present(bytes), () => t, () => bytes), t.slice(0, 80)).toBe(fileMentionsModel(t));
    }
  });

  it('gives the published-globals prefilter the same answer', () => {
    const index = new PublishIndex();
    texts.forEach((t, i) => index.add(scanPublications(t, `f${i}.c`)));
    const paired = index.paired();
    expect(paired.size).toBeGreaterThan(0);
    const scanner = new WordScanner([...PREFILTER_WORDS, ...paired.names()]);
    for (const t of texts) expect(paired.plainAccessGiven(scanner.present(t), () => t)).toBe(paired.plainAccessIn(t));
  });
});

describe('which published globals a file is scanned and parsed for', () => {
  // G is published and read in pub.c only (file-static); H is shared with the rest of the program.
  const publisher = `static struct foo *G;
struct foo *H;

void publish(struct foo *f)
{
\tsmp_store_release(&G, f);
\tWRITE_ONCE(H, f);
}

int peek(void)
{
\treturn smp_load_acquire(&G)->x + READ_ONCE(H)->x;
}

int plain(void)
{
\treturn G->x;
}
`;

  it('names a file-static global only to its own file', () => {
    const index = new PublishIndex();
    index.add(scanPublications(publisher, 'pub.c'));
    const paired = index.paired();
    expect(paired.names().sort()).toEqual(['G', 'H']);
    expect(paired.sharedNames()).toEqual(['H']);
    expect(paired.staticNamesIn('pub.c')).toEqual(['G']);
    expect(paired.staticNamesIn('other.c')).toEqual([]);
    // The lists follow the index as files are replaced (the editor's index).
    paired.replaceFile('pub.c', scanPublications(publisher.replace('static struct foo *G;', 'struct foo *G;'), 'pub.c'));
    expect([...paired.sharedNames()].sort()).toEqual(['G', 'H']);
  });

  it('parses another file for a shared global it dereferences, not for a file-static one of pub.c', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iomem-lens-pubs-'));
    try {
      const write = (name: string, text: string): string => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
      };
      const pub = write('pub.c', publisher);
      const usesG = write('g.c', 'int g(void)\n{\n\treturn G->x;\n}\n');
      const usesH = write('h.c', 'int h(void)\n{\n\treturn H->x;\n}\n');
      const index = new PublishIndex();
      index.add(scanPublications(publisher, pub));
      const opts = { ...options(), publications: index.paired() };
      const parser = await CParser.load();
      const own = checkFile(pub, parser, opts);
      expect(own.parsed).toBe(true);
      expect(own.findings.map((f) => f.rule)).toContain('publish-unpaired');
      // g.c's G cannot be pub.c's (static there): lookup() has nothing for it, nothing to parse.
      expect(checkFile(usesG, parser, opts).parsed).toBe(false);
      const h = checkFile(usesH, parser, opts);
      expect(h.parsed).toBe(true);
      expect(h.findings.map((f) => f.rule)).toEqual(['publish-unpaired']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
