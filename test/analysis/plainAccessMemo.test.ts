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
