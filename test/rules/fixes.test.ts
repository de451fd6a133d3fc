// Quick fixes: applying the edit a rule proposes makes its finding go away.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../server/src/analysis/finding';
import { ROOT, analyzeSource } from '../helpers';

function apply(text: string, f: Finding): string {
  const edits = [...(f.fix?.edits ?? [])].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

const fixture = (rule: string, name: string): string => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', rule, name), 'utf8');

describe('quick fixes', () => {
  it('resource-flags-clobber keeps every bit but BUSY and adds the ones named', async () => {
    const text = fixture('resource-flags-clobber', 'pos_kmem.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'resource-flags-clobber')!;
    expect(f.fix?.title).toBe('Change only the bits meant');
    const fixed = apply(text, f);
    expect(fixed).toContain('res->flags = (res->flags & ~(IORESOURCE_BUSY)) | IORESOURCE_SYSRAM;');
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('resource-flags-clobber');
  });

  it('resource-flags-clobber fixes a store through a dereference, and offers none for WRITE_ONCE() rather than one that does not compile', async () => {
    const text = fixture('resource-flags-clobber', 'pos_other_spellings.c');
    const found = (await analyzeSource(text)).findings.filter((x) => x.rule === 'resource-flags-clobber');
    expect(found.map((f) => f.function)).toEqual(['mark_once', 'mark_deref']);
    expect(found[0]?.fix).toBeUndefined();
    const fixed = apply(text, found[1]!);
    expect(fixed).toContain('\t(*r).flags = ((*r).flags & ~(IORESOURCE_BUSY));');
    expect((await analyzeSource(fixed)).findings.filter((x) => x.rule === 'resource-flags-clobber').map((f) => f.function)).toEqual(['mark_once']);
  });

  it('resource-unwind-foreign turns release_resource() into remove_resource()', async () => {
    const text = fixture('resource-unwind-foreign', 'pos_release_resource.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'resource-unwind-foreign')!;
    const fixed = apply(text, f);
    expect(fixed).toContain('remove_resource(res);');
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('resource-unwind-foreign');
  });

  it('devm-manual-release releases through devres', async () => {
    const text = fixture('devm-manual-release', 'pos_release_mem_region.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'devm-manual-release')!;
    const fixed = apply(text, f);
    expect(fixed).toContain('devm_release_mem_region(dev, start, size);');
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('devm-manual-release');
  });
  it('devm-manual-release offers no fix where the region was requested in a helper, whose device name means nothing here (found in review)', async () => {
    const text = [
      'static int map_regs(struct device *d, u64 start, u64 size)',
      '{',
      '\tif (!devm_request_mem_region(d, start, size, "regs"))',
      '\t\treturn -EBUSY;',
      '\treturn 0;',
      '}',
      '',
      'static int foo_probe(struct platform_device *pdev, u64 start, u64 size)',
      '{',
      '\tvoid __iomem *base;',
      '\tint rc;',
      '',
      '\trc = map_regs(&pdev->dev, start, size);',
      '\tif (rc)',
      '\t\treturn rc;',
      '\tbase = ioremap(start, size);',
      '\tif (!base) {',
      '\t\trelease_mem_region(start, size);',
      '\t\treturn -ENOMEM;',
      '\t}',
      '\treturn 0;',
      '}',
      ''].join('\n');
    const found = (await analyzeSource(text)).findings.filter((x) => x.rule === 'devm-manual-release');
    expect(found.map((f) => f.function)).toEqual(['foo_probe']);
    expect(found[0]?.fix).toBeUndefined();
  });
});

describe('DAX quick fixes', () => {
  it('dax-unwind-unassigned moves the field assignment before the jump', async () => {
    const text = fixture('dax-unwind-unassigned', 'pos_pmem_6_1.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'dax-unwind-unassigned')!;
    const fixed = apply(text, f);
    expect(fixed.indexOf('pmem->dax_dev = dax_dev;')).toBeLessThan(fixed.indexOf('rc = dax_add_host('));
    expect(fixed.split('pmem->dax_dev = dax_dev;')).toHaveLength(2);
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('dax-unwind-unassigned');
  });

  it('dax-errptr-stored stores alloc_dax() in a local first', async () => {
    const text = fixture('dax-errptr-stored', 'pos_virtio_fs_6_1.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'dax-errptr-stored')!;
    const fixed = apply(text, f);
    expect(fixed).toContain('struct dax_device *dax_dev = alloc_dax(fs, &virtio_fs_dax_ops);');
    expect(fixed).toContain('if (IS_ERR(dax_dev))\n\t\treturn PTR_ERR(dax_dev);\n\tfs->dax_dev = dax_dev;');
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('dax-errptr-stored');
  });

  it('dax-errptr-stored picks a name the function does not use, and offers no fix where its declaration would not compile (found in review)', async () => {
    const text = fixture('dax-errptr-stored', 'pos_virtio_fs_6_1.c');
    const variant = (from: string, to: string): string => {
      const t = text.replace(from, to);
      expect(t).not.toBe(text);
      return t;
    };
    const fixOf = async (t: string) => (await analyzeSource(t)).findings.find((x) => x.rule === 'dax-errptr-stored');
    // A parameter already named dax_dev: the local is another name.
    const param = variant('struct virtio_fs *fs)', 'struct virtio_fs *fs, int dax_dev)');
    const fixed = apply(param, (await fixOf(param))!);
    expect(fixed).toContain('struct dax_device *new_dax_dev = alloc_dax(fs, &virtio_fs_dax_ops);');
    expect(fixed).toContain('\tfs->dax_dev = new_dax_dev;');
    // Under an unbraced if, or inside an expression: reported, without a fix.
    const unbraced = variant('\tfs->dax_dev = alloc_dax(', '\tif (vdev)\n\t\tfs->dax_dev = alloc_dax(');
    expect(await fixOf(unbraced)).toMatchObject({ rule: 'dax-errptr-stored' });
    expect((await fixOf(unbraced))?.fix).toBeUndefined();
    const inner = variant('\tfs->dax_dev = alloc_dax(fs, &virtio_fs_dax_ops);', '\tint rc = (fs->dax_dev = alloc_dax(fs, &virtio_fs_dax_ops)) ? 0 : -ENOMEM;');
    expect(await fixOf(inner)).toMatchObject({ rule: 'dax-errptr-stored' });
    expect((await fixOf(inner))?.fix).toBeUndefined();
  });

  it('dax-errptr-stored reads the check as code: braces in strings, an else after it and longer field names (found in review)', async () => {
    const text = fixture('dax-errptr-stored', 'pos_virtio_fs_6_1.c');
    const fixOf = async (t: string) => (await analyzeSource(t)).findings.find((x) => x.rule === 'dax-errptr-stored');
    const braced = (body: string): string => text.replace('\t\treturn PTR_ERR(fs->dax_dev);\n', `{\n${body}\t}\n`).replace('if (IS_ERR(fs->dax_dev))', 'if (IS_ERR(fs->dax_dev)) ');
    // A `}` in a format string does not end the block.
    const str = braced('\t\tdev_err(&vdev->dev, "no dax }: %ld\\n", PTR_ERR(fs->dax_dev));\n\t\treturn PTR_ERR(fs->dax_dev);\n');
    expect(str).toContain('"no dax }');
    const fixed = apply(str, (await fixOf(str))!);
    expect(fixed).toContain('\t\tdev_err(&vdev->dev, "no dax }: %ld\\n", PTR_ERR(dax_dev));\n\t\treturn PTR_ERR(dax_dev);\n\t}\n\tfs->dax_dev = dax_dev;\n');
    expect(await fixOf(fixed)).toBeUndefined();
    // An else after the check, braced or not: the assignment would split the if from its else.
    const elseBraced = braced('\t\treturn PTR_ERR(fs->dax_dev);\n').replace('\t}\n', '\t} else {\n\t\tdev_info(&vdev->dev, "dax ok\\n");\n\t}\n');
    expect(elseBraced).toContain('} else {');
    expect(await fixOf(elseBraced)).toMatchObject({ rule: 'dax-errptr-stored' });
    expect((await fixOf(elseBraced))?.fix).toBeUndefined();
    const elsePlain = text.replace('\t\treturn PTR_ERR(fs->dax_dev);\n', '\t\treturn PTR_ERR(fs->dax_dev);\n\telse\n\t\tfs->flags = 0;\n');
    expect((await fixOf(elsePlain))?.fix).toBeUndefined();
    // Only the field itself is renamed: fs->dax is not the start of fs->dax_ops, nor is a mention in a string.
    const prefix = braced('\t\tfs->dax_ops = NULL;\n\t\tpr_err("fs->dax failed\\n");\n\t\treturn PTR_ERR(fs->dax_dev);\n').replace(/fs->dax_dev/g, 'fs->dax');
    const renamed = apply(prefix, (await fixOf(prefix))!);
    expect(renamed).toContain('\t\tfs->dax_ops = NULL;\n\t\tpr_err("fs->dax failed\\n");\n\t\treturn PTR_ERR(dax_dev);\n\t}\n\tfs->dax = dax_dev;\n');
    // An else under #ifdef after the block, and a macro statement without its `;`: no fix (found in review).
    const ifdef = braced('\t\treturn PTR_ERR(fs->dax_dev);\n').replace('\t}\n', '\t}\n#ifdef X\n\telse\n\t\tfoo();\n#endif\n');
    expect(ifdef).toContain('#ifdef X\n\telse');
    expect((await fixOf(ifdef))?.fix).toBeUndefined();
    const macro = text.replace('\t\treturn PTR_ERR(fs->dax_dev);\n', '\t\tRETURN_ERR(fs->dax_dev)\n\tfoo();\n');
    expect(macro).toContain('RETURN_ERR(fs->dax_dev)\n\tfoo();');
    expect((await fixOf(macro))?.fix).toBeUndefined();
    // In a CRLF file the fix's lines end with \r\n too.
    const crlf = text.replace(/\n/g, '\r\n');
    const crlfFixed = apply(crlf, (await fixOf(crlf))!);
    expect(crlfFixed.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('dax-null-check widens the check to IS_ERR_OR_NULL()', async () => {
    const text = fixture('dax-null-check', 'pos_null_only.c');
    const f = (await analyzeSource(text)).findings.find((x) => x.rule === 'dax-null-check')!;
    const fixed = apply(text, f);
    expect(fixed).toContain('if (IS_ERR_OR_NULL(dax_dev))');
    expect((await analyzeSource(fixed)).findings.map((x) => x.rule)).not.toContain('dax-null-check');
  });
});
