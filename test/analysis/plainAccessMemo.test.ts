// Which bodies access a published global plainly is kept by the body's text in the editor: the
// answer must follow the names the workspace's index pairs, not only the text.

import { describe, expect, it } from 'vitest';
import { FunctionCache, analyzeTree } from '../../server/src/analysis/analyze';
import { PublishIndex, scanPublications } from '../../server/src/analysis/publish';
import { options, withTree } from '../helpers';

/** pub.c publishes and reads `names` in order (shared globals: any file's plain access pairs). */
const publisher = (names: string[]): string => `${names.map((n) => `struct foo *${n};\n`).join('')}
void publish(struct foo *f)
{
${names.map((n) => `\tWRITE_ONCE(${n}, f);\n`).join('')}}

int peek(void)
{
\treturn ${names.map((n) => `READ_ONCE(${n})->x`).join(' + ')};
}
`;

const reader = 'int x(void)\n{\n\treturn X->x;\n}\n\nint h(void)\n{\n\treturn H->x;\n}\n';

describe('plain accesses of a body, kept by its text', () => {
  it('are judged again when the index comes to pair a name the body accesses', async () => {
    const cache = new FunctionCache();
    const found = (names: string[]): Promise<string[]> => {
      const index = new PublishIndex();
      index.add(scanPublications(publisher(names), 'pub.c'));
      return withTree(reader, (tree) => analyzeTree(tree, reader, { ...options(), publications: index.paired() }, cache, { file: 'h.c' })
        .findings.map((f) => `${f.function}:${f.rule}`).sort());
    };
    // The same text and cache: h() is judged while only X is paired, then again once H is.
    expect(await found(['X'])).toEqual(['x:publish-unpaired']);
    expect(await found(['X', 'H'])).toEqual(['h:publish-unpaired', 'x:publish-unpaired']);
    expect(await found(['X'])).toEqual(['x:publish-unpaired']);
  });
});

describe('the file-level rules in a file that names the model', () => {
  it('find in the editor (bodies judged one by one, kept by text) what a check run finds (the whole text read first)', async () => {
    const index = new PublishIndex();
    index.add(scanPublications(publisher(['X', 'H']), 'pub.c'));
    const opts = { ...options(), publications: index.paired() };
    // Names a modeled API, so the editor does not read the whole text for the paired names first.
    const model = 'int claim(u64 s)\n{\n\treturn request_mem_region(s, 16, "c") ? 0 : -EBUSY;\n}\n\n';
    const texts = [
      `${model}${reader}`,
      // Only ordered accesses: nothing to report, in either.
      `${model}int y(void)\n{\n\treturn READ_ONCE(X)->x;\n}\n`,
      // The global's own file-level declaration alone is no body's access.
      `${model}struct foo *H;\n`,
    ];
    for (const text of texts) {
      const run = (cache?: FunctionCache): Promise<string[]> => withTree(text, (tree) => analyzeTree(tree, text, opts, cache, { file: 'h.c' })
        .findings.map((f) => `${f.function}:${f.rule}`).sort());
      const cache = new FunctionCache();
      expect(await run(cache)).toEqual(await run());
      // And again from the kept answers.
      expect(await run(cache)).toEqual(await run());
    }
    const first = texts[0] as string;
    expect(await withTree(first, (tree) => analyzeTree(tree, first, opts, new FunctionCache(), { file: 'h.c' }).findings.map((f) => `${f.function}:${f.rule}`).sort()))
      .toEqual(['h:publish-unpaired', 'x:publish-unpaired']);
  });
});
